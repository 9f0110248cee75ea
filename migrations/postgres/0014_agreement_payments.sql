-- Payments a purchaser made under an agreement (a cooperation agreement's grant, seed 004).
-- owner: the purchaser; parent: the agreement's id; status: paid.
CREATE TABLE agreement_payments (
    id UUID PRIMARY KEY,
    owner_id UUID NOT NULL REFERENCES organisations (id),
    parent_id UUID,
    status TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX agreement_payments_parent ON agreement_payments (parent_id);
