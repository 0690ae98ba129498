-- A union's answers on the round's other items (労働時間: 年間所定1,950時間), one "item: answer"
-- per line, for the items the round tracks.
ALTER TABLE campaign_answers ADD COLUMN other_items TEXT NOT NULL DEFAULT '';
