-- Regional minimum wages (地域別最低賃金): public figures the government publishes, one per
-- prefecture and government fiscal year (April start, named by its start year).
CREATE TABLE minwage_regional (
    id INTEGER PRIMARY KEY,
    fiscal_year INTEGER NOT NULL,
    prefecture_code TEXT NOT NULL,
    hourly_yen INTEGER,
    effective_date TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (fiscal_year, prefecture_code)
);
-- Industry minimum wages (特定最低賃金), per prefecture × industry and fiscal year. NULL amounts
-- are unknown; an empty status is a revision not yet decided.
CREATE TABLE minwage_industry (
    id INTEGER PRIMARY KEY,
    fiscal_year INTEGER NOT NULL,
    prefecture_code TEXT NOT NULL,
    industry TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    hourly_yen INTEGER,
    previous_hourly_yen INTEGER,
    effective_date TEXT NOT NULL DEFAULT '',
    covered_workers INTEGER,
    status TEXT NOT NULL DEFAULT '',
    industrial_unions TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    reach TEXT NOT NULL DEFAULT 'public',
    scope_org_id INTEGER REFERENCES organisations(id),
    embargo_until INTEGER,
    owner_org_id INTEGER REFERENCES organisations(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (fiscal_year, prefecture_code, industry)
);
-- The revision campaign: one row per wage, year and step (申出 → 審議会 → 答申 → 公示 → 発効). The
-- person responsible is one of the directory's people, checked through its API.
CREATE TABLE minwage_steps (
    id INTEGER PRIMARY KEY,
    industry_id INTEGER NOT NULL REFERENCES minwage_industry(id),
    step TEXT NOT NULL,
    due_date TEXT NOT NULL DEFAULT '',
    done_date TEXT NOT NULL DEFAULT '',
    person_id INTEGER,
    note TEXT NOT NULL DEFAULT '',
    reach TEXT NOT NULL DEFAULT 'industrial',
    scope_org_id INTEGER REFERENCES organisations(id),
    embargo_until INTEGER,
    owner_org_id INTEGER REFERENCES organisations(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (industry_id, step)
);
-- The federation's in-company minimum wage target, per wage round (JCM's spring).
CREATE TABLE minwage_targets (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL UNIQUE,
    monthly_yen INTEGER NOT NULL,
    hourly_yen INTEGER NOT NULL,
    monthly_hours_tenths INTEGER NOT NULL DEFAULT 1610,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
-- In-company minimum wage agreements imported here (the wage round holds the others), and where
-- each union's workplace is: the prefecture its agreement is compared in.
CREATE TABLE minwage_agreements (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    union_code TEXT NOT NULL,
    prefecture_code TEXT NOT NULL DEFAULT '',
    industry TEXT NOT NULL DEFAULT '',
    monthly_yen INTEGER,
    hourly_yen INTEGER,
    reach TEXT NOT NULL DEFAULT 'industrial',
    scope_org_id INTEGER REFERENCES organisations(id),
    embargo_until INTEGER,
    owner_org_id INTEGER REFERENCES organisations(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (year, org_id)
);
-- A fiscal year's published results: the head office's commentary, and the reach (with a lift
-- time) at which the public summary page exists.
CREATE TABLE minwage_results (
    id INTEGER PRIMARY KEY,
    fiscal_year INTEGER NOT NULL UNIQUE,
    commentary TEXT NOT NULL DEFAULT '',
    reach TEXT NOT NULL DEFAULT 'hq',
    scope_org_id INTEGER REFERENCES organisations(id),
    embargo_until INTEGER,
    owner_org_id INTEGER REFERENCES organisations(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX minwage_industry_year ON minwage_industry (fiscal_year, prefecture_code);
CREATE INDEX minwage_industry_industry ON minwage_industry (industry, fiscal_year);
CREATE INDEX minwage_agreements_year ON minwage_agreements (year);
