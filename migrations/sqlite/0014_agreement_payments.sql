-- Payments a purchaser made under an agreement (a cooperation agreement's grant, seed 004).
-- owner: the purchaser; parent: the agreement's id; status: paid.
CREATE TABLE agreement_payments (
    id BLOB PRIMARY KEY,
    owner_id BLOB NOT NULL REFERENCES organisations (id),
    parent_id BLOB,
    status TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX agreement_payments_parent ON agreement_payments (parent_id);
