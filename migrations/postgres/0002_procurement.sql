-- Procurements, lots, providers' staff and evidence, and applications to lots.
--
-- These records are read and written whole, and their shape (service-description sections,
-- requirement rules, rosters, evaluations) is owned by `domain`; each is kept as one JSON
-- document in `data`, beside the columns that queries select and join on.

ALTER TABLE service_units ADD COLUMN served_municipalities TEXT NOT NULL DEFAULT '';
ALTER TABLE service_units ADD COLUMN capacity BIGINT;
ALTER TABLE service_units ADD COLUMN free_capacity BIGINT;

CREATE TABLE procurements (
    id UUID PRIMARY KEY,
    owner_id UUID NOT NULL REFERENCES organisations (id),
    parent_id UUID,
    status TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX procurements_owner ON procurements (owner_id);

CREATE TABLE lots (
    id UUID PRIMARY KEY,
    owner_id UUID NOT NULL REFERENCES organisations (id),
    parent_id UUID REFERENCES procurements (id),
    status TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX lots_parent ON lots (parent_id);

CREATE TABLE staff_members (
    id UUID PRIMARY KEY,
    owner_id UUID NOT NULL REFERENCES organisations (id),
    parent_id UUID,
    status TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX staff_members_owner ON staff_members (owner_id);

CREATE TABLE evidence (
    id UUID PRIMARY KEY,
    owner_id UUID NOT NULL REFERENCES organisations (id),
    parent_id UUID,
    status TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX evidence_owner ON evidence (owner_id);

-- owner_id is the provider; parent_id the lot. The purchaser is the lot's owner.
CREATE TABLE applications (
    id UUID PRIMARY KEY,
    owner_id UUID NOT NULL REFERENCES organisations (id),
    parent_id UUID REFERENCES lots (id),
    status TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX applications_owner ON applications (owner_id);
CREATE INDEX applications_parent ON applications (parent_id);
CREATE INDEX applications_status ON applications (status);
