-- Each page's discussion (MediaWiki's talk page): signed, dated comments, each a topic (with a
-- heading) or a reply to another, seen by whoever may see the page. `import_key` keeps a re-run of a
-- MediaWiki import from adding a talk page's comments twice.
CREATE TABLE wiki_comments (
    id INTEGER PRIMARY KEY,
    page_id INTEGER NOT NULL REFERENCES wiki_pages(id),
    topic TEXT NOT NULL DEFAULT '',
    parent_id INTEGER REFERENCES wiki_comments(id),
    body TEXT NOT NULL,
    author TEXT NOT NULL,
    author_user_id INTEGER,
    import_key TEXT UNIQUE,
    deleted_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX wiki_comments_page ON wiki_comments (page_id, created_at);
