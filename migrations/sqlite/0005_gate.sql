-- The gate: the access log refuses to be edited or shortened, and commitments carry their
-- provider in a column so that a provider's list is filtered in the query.

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
