-- Cost-sharing agreements between organisations (seed 002: six municipalities sharing a
-- regional social worker and an NGO's work by population), one document each with its parties,
-- its bases over time and what its recharges carry. owner: the host; status: active.
CREATE TABLE cost_sharings (
    id BLOB PRIMARY KEY,
    owner_id BLOB NOT NULL REFERENCES organisations (id),
    parent_id BLOB,
    status TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX cost_sharings_owner ON cost_sharings (owner_id);
-- The parties of each cost-sharing agreement, so that a party's list is found by an index.
CREATE TABLE cost_sharing_parties (
    sharing_id BLOB NOT NULL REFERENCES cost_sharings (id),
    org_id BLOB NOT NULL REFERENCES organisations (id),
    PRIMARY KEY (sharing_id, org_id)
);
CREATE INDEX cost_sharing_parties_org ON cost_sharing_parties (org_id);

-- The host's costs of a quarter under a cost-sharing agreement: a provider's invoice, a salary,
-- overheads, funding received. owner: the host; parent: the agreement; status: the quarter
-- (2026-Q3).
CREATE TABLE shared_costs (
    id BLOB PRIMARY KEY,
    owner_id BLOB NOT NULL REFERENCES organisations (id),
    parent_id BLOB,
    status TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX shared_costs_parent ON shared_costs (parent_id, status);

-- Each round of a quarter's recharges (the first, then one per correction): who issued it and
-- the invoices it made. owner: the host; parent: the agreement; status: the quarter and round
-- (2026-Q3/1), unique, so that two hosts' users issuing at once cannot make a round twice.
CREATE TABLE shared_quarters (
    id BLOB PRIMARY KEY,
    owner_id BLOB NOT NULL REFERENCES organisations (id),
    parent_id BLOB,
    status TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX shared_quarters_round ON shared_quarters (parent_id, status);
-- Recharge invoices and their credit notes from the host to each party, with the quarter's
-- computation. owner: the host; parent: the agreement; status: issued, credited.
CREATE TABLE recharges (
    id BLOB PRIMARY KEY,
    owner_id BLOB NOT NULL REFERENCES organisations (id),
    parent_id BLOB,
    status TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX recharges_parent ON recharges (parent_id);
