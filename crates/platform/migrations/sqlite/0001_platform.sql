-- Organisations are the directory's tree; they live in the platform because accounts and reach
-- depend on them. path = '/1/2/37/' (ancestors and self) makes subtree queries a prefix match.
CREATE TABLE organisations (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    parent_id INTEGER REFERENCES organisations(id),
    company_id INTEGER REFERENCES organisations(id),
    path TEXT NOT NULL,
    name_ja TEXT NOT NULL,
    name_kana TEXT NOT NULL DEFAULT '',
    name_en TEXT NOT NULL DEFAULT '',
    -- The reading, or the name when there is none: Japanese lists sort by it.
    sort_key TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT 'JP',
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
CREATE INDEX organisations_parent ON organisations (parent_id);
CREATE INDEX organisations_company ON organisations (company_id);
-- Covers the reach filter, so counting what a viewer may see reads the index, not the rows.
CREATE INDEX organisations_reach ON organisations (archived_at, reach, scope_org_id, embargo_until, owner_org_id);
CREATE INDEX organisations_path ON organisations (path);
CREATE INDEX organisations_kind_sort ON organisations (kind, sort_key, id);
CREATE INDEX organisations_sort ON organisations (sort_key, id);

CREATE TABLE record_shares (
    entity TEXT NOT NULL,
    record_id INTEGER NOT NULL,
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    PRIMARY KEY (entity, record_id, org_id)
);
CREATE INDEX record_shares_org ON record_shares (org_id, entity);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    login TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    disabled_at INTEGER,
    version INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX users_org ON users (org_id);

CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    label TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at INTEGER
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor_user_id INTEGER REFERENCES users(id),
    actor TEXT NOT NULL,
    entity TEXT NOT NULL,
    record_id INTEGER NOT NULL,
    action TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT
);
CREATE INDEX audit_log_entity ON audit_log (entity, record_id, id);
CREATE INDEX audit_log_at ON audit_log (at);
