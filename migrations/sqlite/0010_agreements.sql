-- Agreements between a purchaser and a provider, one row per version: the first version's id is
-- the agreement's id, and each later version's parent is that id. status: proposed, agreed.
-- owner: purchaser.
CREATE TABLE agreements (
    id BLOB PRIMARY KEY,
    owner_id BLOB NOT NULL REFERENCES organisations (id),
    parent_id BLOB,
    status TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX agreements_owner ON agreements (owner_id);
CREATE INDEX agreements_parent ON agreements (parent_id);
-- The provider of each agreement version, so that a provider's list is found by an index.
CREATE TABLE agreement_parties (
    agreement_id BLOB NOT NULL REFERENCES agreements (id),
    provider_id BLOB NOT NULL REFERENCES organisations (id),
    PRIMARY KEY (agreement_id, provider_id)
);
CREATE INDEX agreement_parties_provider ON agreement_parties (provider_id);

-- What a provider reported as delivered under an agreement: one row per product, period and
-- version (a correction is a new version; the earlier stay). owner: purchaser; parent: the
-- agreement's id.
CREATE TABLE realised_volumes (
    id BLOB PRIMARY KEY,
    owner_id BLOB NOT NULL REFERENCES organisations (id),
    parent_id BLOB,
    status TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX realised_volumes_parent ON realised_volumes (parent_id);
