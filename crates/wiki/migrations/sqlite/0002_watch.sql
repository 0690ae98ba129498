-- Pages a user watches, and the (hashed) token that opens their Atom feed without a session.
CREATE TABLE wiki_watch (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    page_id INTEGER NOT NULL REFERENCES wiki_pages(id),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, page_id)
);
CREATE TABLE wiki_feed_tokens (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);
CREATE INDEX wiki_revisions_created ON wiki_revisions (created_at);
