-- Projection rows hold data, not display text (version 4): the case list shows "name 等N户"
-- in the UI's language, so a case row keeps the number of complainants and the respondents'
-- names as a JSON list instead of strings made for one language. Projections are rebuilt.

ALTER TABLE cases ADD COLUMN complainants INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases RENAME COLUMN respondent TO respondents;

INSERT OR REPLACE INTO meta (key, value) VALUES ('rebuild_projections', '1');
