-- Settlement: purchase invoices from providers, as received. An invoice is a document of the
-- purchaser it bills (owner_id), from a provider (provider_id, when the seller is known), for
-- the commitment it bills first (parent_id). The same seller and number twice is one invoice.
CREATE TABLE invoices (
    id UUID PRIMARY KEY,
    owner_id UUID NOT NULL REFERENCES organisations (id),
    parent_id UUID,
    status TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    provider_id UUID REFERENCES organisations (id),
    seller_business_id TEXT NOT NULL,
    number_key TEXT NOT NULL
);
CREATE UNIQUE INDEX invoices_seller_number ON invoices (seller_business_id, number_key);
CREATE INDEX invoices_owner ON invoices (owner_id);
CREATE INDEX invoices_provider ON invoices (provider_id);

-- Every received file as it came (a file that named a person has the identity code
-- overwritten: redacted), with the SHA-256 of the bytes as received.
CREATE TABLE invoice_files (
    id UUID PRIMARY KEY,
    sha256 TEXT NOT NULL,
    name TEXT NOT NULL,
    bytes BYTEA NOT NULL,
    redacted BOOLEAN NOT NULL,
    received_at TIMESTAMPTZ NOT NULL
);
