-- Revisions and attachments are written through the versioned, audited path like every record.
ALTER TABLE wiki_revisions ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE wiki_attachments ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
