-- An English copy points at its Japanese master and remembers the master's revision it was last
-- brought up to date with; a newer master revision makes the copy stale.
ALTER TABLE wiki_pages ADD COLUMN lang TEXT NOT NULL DEFAULT 'ja';
ALTER TABLE wiki_pages ADD COLUMN master_id INTEGER REFERENCES wiki_pages(id);
ALTER TABLE wiki_pages ADD COLUMN master_revision_id INTEGER;
CREATE INDEX wiki_pages_master ON wiki_pages (master_id);
