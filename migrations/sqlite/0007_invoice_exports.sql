-- Exports of approved invoices to accounts payable, numbered per purchaser. The file is kept as
-- it was made, so that an export can be fetched again and gives the same bytes; an invoice is in
-- one export only (its status becomes exported).
CREATE TABLE invoice_exports (
    id BLOB PRIMARY KEY,
    owner_id BLOB NOT NULL REFERENCES organisations (id),
    number INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    created_by BLOB,
    invoices INTEGER NOT NULL,
    total_cents INTEGER NOT NULL,
    csv TEXT NOT NULL
);
CREATE UNIQUE INDEX invoice_exports_number ON invoice_exports (owner_id, number);
