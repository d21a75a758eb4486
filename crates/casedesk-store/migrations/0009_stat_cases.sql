-- The statistics' own copy of the case rows (version 7): only the columns a report counts, so
-- that a year's report of an association reads a narrow table (about a third of the bytes of
-- `cases`, whose rows carry names, numbers and search text). Filled from `cases` here; kept by
-- the same projection code from now on.

CREATE TABLE stat_cases (
    rowid          INTEGER PRIMARY KEY,
    case_type      TEXT NOT NULL,
    status         TEXT NOT NULL,
    received_at    INTEGER NOT NULL,
    accepted_at    INTEGER,
    closed_at      INTEGER,
    receiving_unit TEXT NOT NULL,
    unit           TEXT NOT NULL,
    outcome        TEXT,
    on_time        INTEGER,
    recovered_fen  INTEGER NOT NULL,
    doubled_fen    INTEGER NOT NULL,
    category       TEXT,
    nature         TEXT,
    satisfaction   TEXT
);

INSERT INTO stat_cases (rowid, case_type, status, received_at, accepted_at, closed_at,
    receiving_unit, unit, outcome, on_time, recovered_fen, doubled_fen, category, nature,
    satisfaction)
SELECT rowid, case_type, status, received_at, accepted_at, closed_at, receiving_unit, unit,
    outcome, on_time, recovered_fen, doubled_fen, category, nature, satisfaction FROM cases;
