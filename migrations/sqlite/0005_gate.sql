-- The gate: the access log names every person whose data an entry shows, refuses to be
-- edited or shortened, and commitments carry their
-- provider in a column so that a provider's list is filtered in the query.

-- The people whose data a list view or a page showed, beside its one subject: ids separated
-- by spaces, inside the entry's hash.
ALTER TABLE audit_log ADD COLUMN subjects TEXT NOT NULL DEFAULT '';

-- Nothing in the application updates or deletes the access log (Client Data Act 703/2023,
-- 10 §); these triggers refuse it from anyone else who reaches the database file too.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the access log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the access log is append-only');
END;

ALTER TABLE commitments ADD COLUMN provider_id BLOB;
UPDATE commitments SET provider_id = unhex(replace(json_extract(data, '$.provider'), '-', ''));
CREATE INDEX commitments_provider ON commitments (provider_id);

-- API keys of providers' own systems: only the SHA-256 of the secret is kept.
CREATE TABLE api_keys (
    id BLOB PRIMARY KEY,
    org_id BLOB NOT NULL REFERENCES organisations (id),
    name TEXT NOT NULL,
    secret_hash TEXT NOT NULL UNIQUE,
    operations TEXT NOT NULL,
    created_by BLOB NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT,
    last_used_at TEXT
);
CREATE INDEX api_keys_org ON api_keys (org_id);
