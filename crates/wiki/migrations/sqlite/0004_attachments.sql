-- Files attached to pages. The bytes live on disk under their SHA-256 (so identical files are
-- stored once); whoever may read the page may read its attachments, nobody else.
CREATE TABLE wiki_attachments (
    id INTEGER PRIMARY KEY,
    page_id INTEGER NOT NULL REFERENCES wiki_pages(id),
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    uploaded_by TEXT NOT NULL,
    deleted_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX wiki_attachments_page ON wiki_attachments (page_id);
