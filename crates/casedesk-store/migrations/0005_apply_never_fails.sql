-- Applying events from elsewhere never fails (version 5). Projections may not hold
-- constraints that data from other devices can break: a case number two devices gave out
-- (`cases.no` is no longer unique: duplicates are shown with a suffix, `reg_no` keeps the
-- number as registered), a session or transfer id another device reused (their keys are
-- scoped to their case). Events that still cannot be applied go to `quarantine` with their
-- reason and source. The projections are rebuilt.

DROP TABLE sessions;
DROP TABLE transfers;
DROP TABLE cases;

CREATE TABLE cases (
    rowid          INTEGER PRIMARY KEY,
    id             BLOB NOT NULL UNIQUE,
    -- The number shown: `reg_no`, or `reg_no` with a suffix when another case has it too.
    no             TEXT NOT NULL,
    reg_no         TEXT NOT NULL,
    case_type      TEXT NOT NULL,
    mode           TEXT NOT NULL,
    status         TEXT NOT NULL,
    channel        TEXT NOT NULL,
    received_at    INTEGER NOT NULL,
    receiving_unit TEXT NOT NULL,
    unit           TEXT NOT NULL,
    category       TEXT,
    nature         TEXT,
    collective     INTEGER NOT NULL,
    households     INTEGER,
    complainant    TEXT NOT NULL,
    complainants   INTEGER NOT NULL,
    respondents    TEXT NOT NULL,
    claim_fen      INTEGER,
    recovered_fen  INTEGER NOT NULL,
    doubled_fen    INTEGER NOT NULL,
    outcome        TEXT,
    closed_at      INTEGER,
    accepted_at    INTEGER,
    deadline_kind  TEXT,
    deadline_day   INTEGER,
    deadline_provisional INTEGER NOT NULL,
    roving         BLOB,
    flags          INTEGER NOT NULL,
    updated_hlc    INTEGER NOT NULL
);
CREATE INDEX cases_no ON cases (no);
CREATE INDEX cases_reg_no ON cases (reg_no);
CREATE INDEX cases_received ON cases (received_at);
CREATE INDEX cases_status ON cases (status, received_at);
CREATE INDEX cases_deadline ON cases (deadline_day) WHERE deadline_day IS NOT NULL;
CREATE INDEX cases_category ON cases (category, received_at);
CREATE INDEX cases_unit ON cases (unit, received_at);
CREATE INDEX cases_accepted ON cases (accepted_at) WHERE accepted_at IS NOT NULL;
CREATE INDEX cases_closed ON cases (closed_at) WHERE closed_at IS NOT NULL;
CREATE INDEX cases_roving ON cases (roving) WHERE roving IS NOT NULL;
CREATE INDEX cases_collective ON cases (received_at) WHERE collective = 1;

CREATE TABLE sessions (
    case_rowid   INTEGER NOT NULL,
    id           BLOB NOT NULL,
    scheduled_at INTEGER,
    held_at      INTEGER,
    mode         TEXT NOT NULL,
    place        TEXT NOT NULL,
    mediator     TEXT NOT NULL,
    result       TEXT,
    PRIMARY KEY (case_rowid, id)
) WITHOUT ROWID;
CREATE INDEX sessions_scheduled ON sessions (scheduled_at) WHERE held_at IS NULL;

CREATE TABLE transfers (
    case_rowid  INTEGER NOT NULL,
    id          BLOB NOT NULL,
    kind        TEXT NOT NULL,
    from_unit   TEXT NOT NULL,
    to_unit     TEXT NOT NULL,
    due_day     INTEGER,
    feedback_at INTEGER,
    PRIMARY KEY (case_rowid, id)
) WITHOUT ROWID;
CREATE INDEX transfers_to ON transfers (to_unit);

-- Where a quarantined event came from: 'pull', 'import', or 'legacy' (before this version).
ALTER TABLE quarantine ADD COLUMN source TEXT NOT NULL DEFAULT 'legacy';

-- Unit records are folded across every stream that registers the unit.
CREATE INDEX events_kind ON events (kind);

INSERT OR REPLACE INTO meta (key, value) VALUES ('rebuild_projections', '1');
