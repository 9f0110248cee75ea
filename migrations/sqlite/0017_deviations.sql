-- Deviations in purchased services and providers' serious-incident notifications (Act on the
-- Supervision of Social and Health Care 741/2023, 23-25 and 29 §), with their correction
-- deadlines, measures and history. owner: the purchaser; parent: the provider; status: notified,
-- open, answered, closed, terminated.
CREATE TABLE deviations (
    id BLOB PRIMARY KEY,
    owner_id BLOB NOT NULL REFERENCES organisations (id),
    parent_id BLOB,
    status TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX deviations_parent ON deviations (parent_id);
CREATE INDEX deviations_owner ON deviations (owner_id);
