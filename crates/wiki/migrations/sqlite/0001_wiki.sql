-- Knowledge-base pages. The body here is the current revision's, kept for rendering and search;
-- every version lives in wiki_revisions. A renamed page leaves a page behind that redirects.
CREATE TABLE wiki_pages (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    title_key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    org_id INTEGER REFERENCES organisations(id),
    person_id INTEGER REFERENCES people(id),
    redirect_to INTEGER REFERENCES wiki_pages(id),
    body TEXT NOT NULL DEFAULT '',
    revision_id INTEGER,
    reach TEXT NOT NULL,
    scope_org_id INTEGER REFERENCES organisations(id),
    embargo_until INTEGER,
    owner_org_id INTEGER REFERENCES organisations(id),
    deleted_at INTEGER,
    version INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX wiki_pages_updated ON wiki_pages (updated_at);
CREATE INDEX wiki_pages_org ON wiki_pages (org_id);

CREATE TABLE wiki_revisions (
    id INTEGER PRIMARY KEY,
    page_id INTEGER NOT NULL REFERENCES wiki_pages(id),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    author_user_id INTEGER REFERENCES users(id),
    author TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX wiki_revisions_page ON wiki_revisions (page_id, id);

-- What each page links to (by normalised title, so links to pages not yet written count too)
-- and the categories it is in.
CREATE TABLE wiki_links (
    page_id INTEGER NOT NULL REFERENCES wiki_pages(id),
    target_key TEXT NOT NULL,
    PRIMARY KEY (page_id, target_key)
);
CREATE INDEX wiki_links_target ON wiki_links (target_key);

CREATE TABLE wiki_categories (
    page_id INTEGER NOT NULL REFERENCES wiki_pages(id),
    category TEXT NOT NULL,
    PRIMARY KEY (page_id, category)
);
CREATE INDEX wiki_categories_name ON wiki_categories (category);
