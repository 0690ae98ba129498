-- Why a page was deleted, asked of whoever deletes it (MediaWiki's deletion log has it too).
ALTER TABLE wiki_pages ADD COLUMN deleted_reason TEXT NOT NULL DEFAULT '';
