-- Installation-wide settings that stored data depends on. Every database created before this step
-- named fiscal years by the year they start in; the calendar check at start-up relabels stored
-- years when the configured naming differs (see platform::calendar).
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO settings (key, value) VALUES ('fiscal_year_named_by', 'start');
-- Revoking a token goes through the versioned, audited write path like every other change.
ALTER TABLE api_tokens ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
