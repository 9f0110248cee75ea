-- Which commitments each invoice bills, so that "what other invoices already billed of this
-- commitment" is found by an index rather than by reading every invoice of the purchaser.
CREATE TABLE invoice_commitments (
    invoice_id BLOB NOT NULL REFERENCES invoices (id),
    commitment_number TEXT NOT NULL,
    PRIMARY KEY (invoice_id, commitment_number)
);
CREATE INDEX invoice_commitments_number ON invoice_commitments (commitment_number);

-- Corrections of months already settled (original, refund and correction rows), recorded by the
-- purchaser's controller as a credit request or an accepted additional line. owner: purchaser;
-- parent: the commitment version in force when it was recorded.
CREATE TABLE settlement_corrections (
    id BLOB PRIMARY KEY,
    owner_id BLOB NOT NULL REFERENCES organisations (id),
    parent_id BLOB,
    status TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX settlement_corrections_owner ON settlement_corrections (owner_id);
CREATE INDEX settlement_corrections_parent ON settlement_corrections (parent_id);
