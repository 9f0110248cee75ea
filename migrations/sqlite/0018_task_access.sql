-- Access by task (Client Data Act 703/2023, 9 §): a county worker's team, which a client's
-- team is compared with, and the reason code of an access outside it, kept on the log entry
-- that flags it for the county's follow-up.
ALTER TABLE users ADD COLUMN team TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN exception TEXT NOT NULL DEFAULT '';
-- Exceptional accesses a worker opened with a reason: owner: the purchaser; parent: the
-- client; status: the reason code.
CREATE TABLE exceptional_accesses (
    id BLOB PRIMARY KEY,
    owner_id BLOB NOT NULL REFERENCES organisations (id),
    parent_id BLOB,
    status TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX exceptional_accesses_parent ON exceptional_accesses (parent_id);
CREATE INDEX exceptional_accesses_owner ON exceptional_accesses (owner_id);
