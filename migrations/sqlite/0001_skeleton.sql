-- SQLite twin of ../postgres/0001_skeleton.sql: UUID is BLOB, TIMESTAMPTZ is TEXT, BIGINT is INTEGER.
-- Organisations, their service units and users, sessions, and the chained access log.

CREATE TABLE organisations (
    id BLOB PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    business_id TEXT NOT NULL UNIQUE,
    street_address TEXT NOT NULL,
    postal_code TEXT NOT NULL,
    city TEXT NOT NULL,
    email TEXT NOT NULL,
    phone TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE service_units (
    id BLOB PRIMARY KEY,
    organisation_id BLOB NOT NULL REFERENCES organisations (id),
    name TEXT NOT NULL,
    street_address TEXT NOT NULL,
    postal_code TEXT NOT NULL,
    city TEXT NOT NULL,
    municipality TEXT NOT NULL,
    soteri_number TEXT NOT NULL,
    oid TEXT NOT NULL,
    languages TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX service_units_organisation ON service_units (organisation_id);

CREATE TABLE users (
    id BLOB PRIMARY KEY,
    organisation_id BLOB NOT NULL REFERENCES organisations (id),
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    email TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    language TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    failed_sign_ins INTEGER NOT NULL,
    locked_until TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX users_organisation ON users (organisation_id);

CREATE TABLE user_roles (
    user_id BLOB NOT NULL REFERENCES users (id),
    role TEXT NOT NULL,
    PRIMARY KEY (user_id, role)
);

-- The register of users and rights (Client Data Act): every grant and revocation, never edited.
CREATE TABLE role_changes (
    id BLOB PRIMARY KEY,
    user_id BLOB NOT NULL REFERENCES users (id),
    role TEXT NOT NULL,
    granted BOOLEAN NOT NULL,
    changed_by BLOB REFERENCES users (id),
    changed_at TEXT NOT NULL
);
CREATE INDEX role_changes_user ON role_changes (user_id, changed_at);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BLOB NOT NULL REFERENCES users (id),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- One row: the end of the access-log chain. Updating it first serialises writers on PostgreSQL,
-- where two transactions could otherwise chain to the same predecessor.
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY,
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    id BLOB NOT NULL UNIQUE,
    at TEXT NOT NULL,
    actor_id BLOB,
    actor_name TEXT NOT NULL,
    actor_org BLOB,
    actor_unit BLOB,
    action TEXT NOT NULL,
    outcome TEXT NOT NULL,
    record_kind TEXT NOT NULL,
    record_id BLOB,
    register_owner BLOB,
    subject_id BLOB,
    purpose TEXT NOT NULL,
    details TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_actor ON audit_log (actor_id, at);
CREATE INDEX audit_log_record ON audit_log (record_id, at);
CREATE INDEX audit_log_owner ON audit_log (register_owner, at);
CREATE INDEX audit_log_actor_org ON audit_log (actor_org, at);
