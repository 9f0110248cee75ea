-- Registers of people a region shares (seed 002): the expert ring, family group conference
-- conveners, work supervisors, mentors, foster and support families. One document each with its
-- purpose, legal basis, consent rule, retention and grants. owner: the controller.
CREATE TABLE people_registers (
    id BLOB PRIMARY KEY,
    owner_id BLOB NOT NULL REFERENCES organisations (id),
    parent_id BLOB,
    status TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX people_registers_owner ON people_registers (owner_id);

-- A person or family in a register. owner: the controller; parent: the register; status:
-- active, ended (left or consent withdrawn).
CREATE TABLE register_entries (
    id BLOB PRIMARY KEY,
    owner_id BLOB NOT NULL REFERENCES organisations (id),
    parent_id BLOB,
    status TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX register_entries_parent ON register_entries (parent_id, status);

-- The personal codes with which people see and correct their own entries: only a hash of
-- each, one per entry (a new code replaces the old).
CREATE TABLE register_codes (
    code_hash TEXT PRIMARY KEY,
    entry_id BLOB NOT NULL UNIQUE REFERENCES register_entries (id),
    created_at TEXT NOT NULL
);
