-- One wage round per spring (2025 = 2025年闘争, in JCM's 2025年度), federation-wide.
CREATE TABLE campaigns (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL UNIQUE,
    demand_standard_yen INTEGER,
    main_answer_day TEXT NOT NULL DEFAULT '',
    demand_deadline TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
-- A union's demand and answer in one round. Raw submissions reach the head office, the union
-- itself (owner) and its industrial union (scope); the tally reads them, bulletins publish
-- aggregates. The industrial union's code and the members are kept as of the submission, so a
-- tally (and an "as of" tally from the audit log) needs nothing else.
CREATE TABLE campaign_answers (
    id INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    union_code TEXT NOT NULL,
    industrial_union_code TEXT NOT NULL DEFAULT '',
    members INTEGER,
    headline INTEGER NOT NULL DEFAULT 0,
    base_up_demand_yen INTEGER,
    base_up_state TEXT NOT NULL,
    base_up_won_yen INTEGER,
    min_wage_raise_yen INTEGER,
    bonus_centimonths INTEGER,
    answered_at TEXT,
    note TEXT NOT NULL DEFAULT '',
    reach TEXT NOT NULL DEFAULT 'industrial',
    scope_org_id INTEGER REFERENCES organisations(id),
    embargo_until INTEGER,
    owner_org_id INTEGER REFERENCES organisations(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (campaign_id, org_id)
);
CREATE INDEX campaign_answers_campaign ON campaign_answers (campaign_id);
