-- The follow-up group's meetings on an agreement, one per quarter: the agenda's minutes.
-- owner: purchaser; parent: the agreement's id.
CREATE TABLE follow_up_meetings (
    id UUID PRIMARY KEY,
    owner_id UUID NOT NULL REFERENCES organisations (id),
    parent_id UUID,
    status TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX follow_up_meetings_parent ON follow_up_meetings (parent_id);
