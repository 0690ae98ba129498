-- Pages a user watches, and the (hashed) token that opens their Atom feed without a session.
CREATE TABLE wiki_watch (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    page_id BIGINT NOT NULL REFERENCES wiki_pages(id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, page_id)
);
CREATE TABLE wiki_feed_tokens (
    user_id BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);
CREATE INDEX wiki_revisions_created ON wiki_revisions (created_at);
