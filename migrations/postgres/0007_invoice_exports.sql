-- Exports of approved invoices to accounts payable, numbered per purchaser. The file is kept as
-- it was made, so that an export can be fetched again and gives the same bytes; an invoice is in
-- one export only (its status becomes exported).
CREATE TABLE invoice_exports (
    id UUID PRIMARY KEY,
    owner_id UUID NOT NULL REFERENCES organisations (id),
    number BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    created_by UUID,
    invoices BIGINT NOT NULL,
    total_cents BIGINT NOT NULL,
    csv TEXT NOT NULL
);
CREATE UNIQUE INDEX invoice_exports_number ON invoice_exports (owner_id, number);
