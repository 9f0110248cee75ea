-- A file that was refused (unreadable, a duplicate, another seller's, for a buyer Kumppani does
-- not serve) is kept as received too, so that "what did the provider send on that day" has an
-- answer: the refusal's code and the organisation that sent it (none for the drop folder).
ALTER TABLE invoice_files ADD COLUMN refusal TEXT;
ALTER TABLE invoice_files ADD COLUMN sender_org_id BLOB REFERENCES organisations (id);
CREATE INDEX invoice_files_refused_sender ON invoice_files (sender_org_id, received_at)
    WHERE refusal IS NOT NULL;
