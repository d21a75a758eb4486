-- Statistics (version 6): what the reports (casedesk-report) count that the case rows did not
-- hold: whether an accepted case was closed within its mediation period, the latest follow-up's
-- satisfaction, the place of the dispute (hot spots), when each transfer was made; and the
-- reports units submitted (报送, `report.submitted`), figures frozen as submitted. The
-- projections are rebuilt.

ALTER TABLE cases ADD COLUMN on_time INTEGER;
ALTER TABLE cases ADD COLUMN satisfaction TEXT;
ALTER TABLE cases ADD COLUMN place TEXT NOT NULL DEFAULT '';
ALTER TABLE transfers ADD COLUMN at INTEGER NOT NULL DEFAULT 0;

CREATE TABLE report_submissions (
    id      BLOB PRIMARY KEY,
    unit    TEXT NOT NULL,
    period  TEXT NOT NULL,
    from_date TEXT NOT NULL,
    to_date   TEXT NOT NULL,
    at      INTEGER NOT NULL,
    figures TEXT NOT NULL,
    note    TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX report_submissions_unit ON report_submissions (unit, from_date, to_date);

INSERT OR REPLACE INTO meta (key, value) VALUES ('rebuild_projections', '1');
