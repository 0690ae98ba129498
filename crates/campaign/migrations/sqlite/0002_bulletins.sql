-- The rest of a union's answer: the scheduled raise, the bonus in yen, the in-company minimum
-- wage agreed (monthly and hourly; the minimum-wage module reads these through this module's API).
ALTER TABLE campaign_answers ADD COLUMN scheduled_raise TEXT NOT NULL DEFAULT '';
ALTER TABLE campaign_answers ADD COLUMN scheduled_raise_yen INTEGER;
ALTER TABLE campaign_answers ADD COLUMN bonus_yen INTEGER;
ALTER TABLE campaign_answers ADD COLUMN min_wage_monthly_yen INTEGER;
ALTER TABLE campaign_answers ADD COLUMN min_wage_hourly_yen INTEGER;
-- The round's tally cut-off times (comma-separated YYYY-MM-DDTHH:MM) and the other items it
-- tracks (comma-separated codes).
ALTER TABLE campaigns ADD COLUMN cutoffs TEXT NOT NULL DEFAULT '';
ALTER TABLE campaigns ADD COLUMN items TEXT NOT NULL DEFAULT '';
-- A quick bulletin (速報): a frozen tally with commentary. Drafted and approved at the head office
-- (reach hq), then scheduled: public with an embargo until the lift time, so the reach layer
-- publishes it by itself.
CREATE TABLE campaign_bulletins (
    id INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
    number INTEGER NOT NULL,
    title TEXT NOT NULL,
    commentary TEXT NOT NULL DEFAULT '',
    as_of INTEGER NOT NULL,
    tally TEXT NOT NULL,
    union_reach TEXT NOT NULL DEFAULT 'affiliates',
    state TEXT NOT NULL DEFAULT 'draft',
    approved_by TEXT NOT NULL DEFAULT '',
    lift_at INTEGER,
    reach TEXT NOT NULL DEFAULT 'hq',
    scope_org_id INTEGER REFERENCES organisations(id),
    embargo_until INTEGER,
    owner_org_id INTEGER REFERENCES organisations(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (campaign_id, number)
);
-- A bulletin's union-by-union figures, each line its own reach-bearing record: owned by the
-- union (which sees its own line before the lift), at the bulletin's union reach after it.
CREATE TABLE campaign_bulletin_lines (
    id INTEGER PRIMARY KEY,
    bulletin_id INTEGER NOT NULL REFERENCES campaign_bulletins(id),
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    union_code TEXT NOT NULL,
    union_name TEXT NOT NULL,
    industrial_union_code TEXT NOT NULL,
    headline INTEGER NOT NULL,
    base_up_demand_yen INTEGER,
    base_up_state TEXT NOT NULL,
    base_up_won_yen INTEGER,
    min_wage_raise_yen INTEGER,
    bonus_centimonths INTEGER,
    reach TEXT NOT NULL,
    scope_org_id INTEGER REFERENCES organisations(id),
    embargo_until INTEGER,
    owner_org_id INTEGER REFERENCES organisations(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX campaign_bulletin_lines_bulletin ON campaign_bulletin_lines (bulletin_id);
