-- Retention of client documents (Client Data Act 703/2023, 23-24 § and annex). A run lists the
-- clients whose documents are due for destruction; once a named approver approves it, they are
-- destroyed and each is written to the destruction log. The log keeps no personal data: the
-- client's id, whose register, the service task, the rule, the dates and the counts destroyed.
CREATE TABLE retention_runs (
    id BLOB PRIMARY KEY,
    proposed_at TEXT NOT NULL,
    items TEXT NOT NULL,
    approved_at TEXT,
    approved_by TEXT
);
CREATE TABLE destruction_log (
    id BLOB PRIMARY KEY,
    run_id BLOB NOT NULL REFERENCES retention_runs (id),
    destroyed_at TEXT NOT NULL,
    approved_by TEXT NOT NULL,
    register_owner BLOB NOT NULL REFERENCES organisations (id),
    client_id BLOB NOT NULL,
    service_task TEXT NOT NULL,
    rule TEXT NOT NULL,
    trigger_date TEXT NOT NULL,
    due_since TEXT NOT NULL,
    documents TEXT NOT NULL
);
CREATE INDEX destruction_log_owner ON destruction_log (register_owner, destroyed_at);
