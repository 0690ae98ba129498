-- Minor edits, as MediaWiki marks them (imported with `<minor/>`, or ticked in the edit form), so
-- recent changes can hide or show them; and an index for recent changes in order of time.
ALTER TABLE wiki_revisions ADD COLUMN minor INTEGER NOT NULL DEFAULT 0;
CREATE INDEX wiki_revisions_time ON wiki_revisions (created_at, id);
DROP INDEX wiki_revisions_created;
