-- Clients' requests for their own log data (Client Data Act 703/2023, 11 §), with the answer.
-- owner: the purchaser whose register holds the client; parent: the client; status: pending,
-- delivered, refused.
CREATE TABLE log_requests (
    id UUID PRIMARY KEY,
    owner_id UUID NOT NULL REFERENCES organisations (id),
    parent_id UUID,
    status TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX log_requests_parent ON log_requests (parent_id);
