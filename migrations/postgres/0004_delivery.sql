-- Delivery under payment commitments: accounts of clients and guardians, service plans, visits
-- with their confirmations, one-time confirmation codes, uploaded paper reports and monthly
-- reports.

-- A client's or guardian's account points at the person in the client register.
ALTER TABLE users ADD COLUMN person_id UUID;

-- Visits have columns of their own, not only a document: the bulk API writes a county's month
-- in one go and the monthly report sums them by commitment and date. Dates are ISO text on both
-- databases so that one query text compares them.
CREATE TABLE visits (
    id UUID PRIMARY KEY,
    purchaser_id UUID NOT NULL REFERENCES organisations (id),
    provider_id UUID NOT NULL REFERENCES organisations (id),
    client_id UUID NOT NULL,
    commitment_number TEXT NOT NULL,
    -- The provider's own id of the visit: sending it again is recognised, not counted twice.
    provider_ref TEXT,
    visit_date TEXT NOT NULL,
    minutes BIGINT NOT NULL,
    status TEXT NOT NULL,
    confirmation TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (provider_id, provider_ref)
);
CREATE INDEX visits_commitment ON visits (commitment_number, visit_date);
CREATE INDEX visits_client ON visits (client_id, visit_date);

-- Only the hash of a code is kept; a code is used once.
CREATE TABLE confirmation_codes (
    code_hash TEXT PRIMARY KEY,
    visit_id UUID NOT NULL REFERENCES visits (id),
    expires_at TIMESTAMPTZ NOT NULL,
    used_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX confirmation_codes_visit ON confirmation_codes (visit_id);

-- Uploaded files (signed paper reports). owner: purchaser; parent: the client.
CREATE TABLE attachments (
    id UUID PRIMARY KEY,
    owner_id UUID NOT NULL REFERENCES organisations (id),
    parent_id UUID,
    uploaded_by UUID NOT NULL REFERENCES organisations (id),
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    bytes BYTEA NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

-- owner: purchaser; parent: the client. Documents as in 0002.
CREATE TABLE service_plans (
    id UUID PRIMARY KEY,
    owner_id UUID NOT NULL REFERENCES organisations (id),
    parent_id UUID,
    status TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX service_plans_parent ON service_plans (parent_id);

CREATE TABLE monthly_reports (
    id UUID PRIMARY KEY,
    owner_id UUID NOT NULL REFERENCES organisations (id),
    parent_id UUID,
    status TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX monthly_reports_owner ON monthly_reports (owner_id);
CREATE INDEX monthly_reports_parent ON monthly_reports (parent_id);

-- Visits name their commitment by number (the provider's systems know it); a column finds it.
ALTER TABLE commitments ADD COLUMN number TEXT;
UPDATE commitments SET number = data::jsonb ->> 'number';
CREATE INDEX commitments_number ON commitments (number);
