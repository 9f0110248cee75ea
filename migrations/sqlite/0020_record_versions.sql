-- Versions, never overwrites (Client Data Act 703/2023, 22 §). Before a client's record, a need,
-- a payment commitment, a visit or a monthly report is changed, the content it had is copied
-- here with who replaced it, when and why. `client_id` lets the retention engine destroy a
-- client's versions with the client's documents.
CREATE TABLE record_versions (
    id BLOB PRIMARY KEY,
    record_table TEXT NOT NULL,
    record_id BLOB NOT NULL,
    client_id BLOB,
    version INTEGER NOT NULL,
    status TEXT NOT NULL,
    data TEXT NOT NULL,
    written_at TEXT NOT NULL,
    replaced_at TEXT NOT NULL,
    replaced_by TEXT NOT NULL,
    reason TEXT NOT NULL,
    note TEXT NOT NULL,
    UNIQUE (record_table, record_id, version)
);
CREATE INDEX record_versions_client ON record_versions (client_id);
-- A version is never changed once written; only the retention engine removes a client's.
CREATE TRIGGER record_versions_no_update BEFORE UPDATE ON record_versions
BEGIN
    SELECT RAISE(ABORT, 'record versions are never changed');
END;
