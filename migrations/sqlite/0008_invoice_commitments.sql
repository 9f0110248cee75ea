-- Which commitments each invoice bills, so that "what other invoices already billed of this
-- commitment" is found by an index rather than by reading every invoice of the purchaser.
CREATE TABLE invoice_commitments (
    invoice_id BLOB NOT NULL REFERENCES invoices (id),
    commitment_number TEXT NOT NULL,
    PRIMARY KEY (invoice_id, commitment_number)
);
CREATE INDEX invoice_commitments_number ON invoice_commitments (commitment_number);
