-- The gate: the access log names every person whose data an entry shows, refuses to be
-- edited or shortened, and commitments carry their
-- provider in a column so that a provider's list is filtered in the query.

-- The people whose data a list view or a page showed, beside its one subject: ids separated
-- by spaces, inside the entry's hash.
ALTER TABLE audit_log ADD COLUMN subjects TEXT NOT NULL DEFAULT '';

-- Nothing in the application updates or deletes the access log (Client Data Act 703/2023,
-- 10 §); the trigger refuses it from anyone else who reaches the database too. The role the
-- application serves with should also hold only SELECT and INSERT on it (see README).
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the access log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

ALTER TABLE commitments ADD COLUMN provider_id UUID;
UPDATE commitments SET provider_id = (data::json ->> 'provider')::uuid;
CREATE INDEX commitments_provider ON commitments (provider_id);

-- API keys of providers' own systems: only the SHA-256 of the secret is kept.
CREATE TABLE api_keys (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    name TEXT NOT NULL,
    secret_hash TEXT NOT NULL UNIQUE,
    operations TEXT NOT NULL,
    created_by UUID NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ,
    last_used_at TIMESTAMPTZ
);
CREATE INDEX api_keys_org ON api_keys (org_id);
