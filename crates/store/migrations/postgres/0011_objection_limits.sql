-- Issue 11 §3: objections stay open to the public, but one address cannot
-- flood a notice. The filer's address is kept to count its objections, and a
-- digest of the normalised text refuses the same objection twice.
ALTER TABLE objections ADD COLUMN ip TEXT NOT NULL DEFAULT '';
ALTER TABLE objections ADD COLUMN content_hash TEXT NOT NULL DEFAULT '';
CREATE INDEX objections_ip_filed ON objections (ip, filed_at);
CREATE INDEX objections_application_filed ON objections (application_id, filed_at);
CREATE UNIQUE INDEX objections_same_text ON objections (application_id, content_hash) WHERE content_hash <> '';
