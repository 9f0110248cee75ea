-- Clients with their identity codes, families, service needs and the steering group's work,
-- payment commitments and budget lines. Documents as in 0002; the identity code is a column of
-- its own so that it can be found by exact match and is never inside a copied document.

CREATE TABLE clients (
    id UUID PRIMARY KEY,
    owner_id UUID NOT NULL REFERENCES organisations (id),
    parent_id UUID,
    status TEXT NOT NULL,
    identity_code TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (owner_id, identity_code)
);

CREATE TABLE families (
    id UUID PRIMARY KEY,
    owner_id UUID NOT NULL REFERENCES organisations (id),
    parent_id UUID,
    status TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX families_owner ON families (owner_id);

-- owner: purchaser; parent: the client.
CREATE TABLE service_needs (
    id UUID PRIMARY KEY,
    owner_id UUID NOT NULL REFERENCES organisations (id),
    parent_id UUID,
    status TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX service_needs_owner ON service_needs (owner_id);
CREATE INDEX service_needs_parent ON service_needs (parent_id);

CREATE TABLE steering_groups (
    id UUID PRIMARY KEY,
    owner_id UUID NOT NULL REFERENCES organisations (id),
    parent_id UUID,
    status TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX steering_groups_owner ON steering_groups (owner_id);

-- owner: purchaser; parent: the client. The provider is in the document.
CREATE TABLE commitments (
    id UUID PRIMARY KEY,
    owner_id UUID NOT NULL REFERENCES organisations (id),
    parent_id UUID,
    status TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX commitments_owner ON commitments (owner_id);
CREATE INDEX commitments_parent ON commitments (parent_id);

CREATE TABLE budget_lines (
    id UUID PRIMARY KEY,
    owner_id UUID NOT NULL REFERENCES organisations (id),
    parent_id UUID,
    status TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX budget_lines_owner ON budget_lines (owner_id);

-- Commitment numbers run per purchaser and year.
CREATE TABLE commitment_serials (
    owner_id UUID NOT NULL REFERENCES organisations (id),
    year BIGINT NOT NULL,
    last BIGINT NOT NULL,
    PRIMARY KEY (owner_id, year)
);
