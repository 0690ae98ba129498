-- Member and dues-paying counts per organisation and fiscal year; one row per year is the history.
CREATE TABLE member_counts (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    fiscal_year INTEGER NOT NULL,
    members INTEGER NOT NULL,
    dues_paying INTEGER,
    version INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (org_id, fiscal_year)
);
CREATE INDEX member_counts_year ON member_counts (fiscal_year, org_id);

-- People and their position. The owner is the person's organisation.
CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    name_kanji TEXT NOT NULL,
    name_kana TEXT NOT NULL DEFAULT '',
    name_latin TEXT NOT NULL DEFAULT '',
    sort_key TEXT NOT NULL DEFAULT '',
    gender TEXT NOT NULL,
    position_ja TEXT NOT NULL DEFAULT '',
    position_en TEXT NOT NULL DEFAULT '',
    term_start TEXT,
    term_end TEXT,
    email TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    reach TEXT NOT NULL,
    scope_org_id INTEGER REFERENCES organisations(id),
    embargo_until INTEGER,
    owner_org_id INTEGER REFERENCES organisations(id),
    archived_at INTEGER,
    version INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX people_org ON people (org_id);
CREATE INDEX people_reach ON people (archived_at, reach, scope_org_id, embargo_until, owner_org_id);
CREATE INDEX people_sort ON people (sort_key, id);
