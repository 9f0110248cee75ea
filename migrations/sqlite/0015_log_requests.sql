-- Clients' requests for their own log data (Client Data Act 703/2023, 11 §), with the answer.
-- owner: the purchaser whose register holds the client; parent: the client; status: pending,
-- delivered, refused.
CREATE TABLE log_requests (
    id BLOB PRIMARY KEY,
    owner_id BLOB NOT NULL REFERENCES organisations (id),
    parent_id BLOB,
    status TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX log_requests_parent ON log_requests (parent_id);
