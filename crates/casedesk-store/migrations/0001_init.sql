-- CaseDesk station database, version 1.
-- The event log is the source of truth; every other table except meta, counters, settings and
-- calendar_days is a projection, rebuilt from the log by `casedesk rebuild` and checked by
-- `casedesk verify`.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- Per-year case-number counters of this device.
CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- Working-day calendar: statutory days off, make-up working days (调休) and local days off.
CREATE TABLE calendar_days (
    date   TEXT PRIMARY KEY,
    kind   TEXT NOT NULL CHECK (kind IN ('off', 'makeup', 'local_off')),
    name   TEXT NOT NULL,
    source TEXT NOT NULL
) WITHOUT ROWID;

-- The append-only event log. `seq` is gapless per device; `prev` is the hash of the device's
-- previous event. `origin` is 0 for events written here, 1 for events received.
CREATE TABLE events (
    rowid   INTEGER PRIMARY KEY,
    id      BLOB NOT NULL UNIQUE,
    stream  BLOB NOT NULL,
    device  BLOB NOT NULL,
    seq     INTEGER NOT NULL,
    hlc     INTEGER NOT NULL,
    actor   BLOB,
    unit    TEXT NOT NULL,
    kind    TEXT NOT NULL,
    v       INTEGER NOT NULL,
    payload TEXT NOT NULL,
    prev    BLOB NOT NULL,
    hash    BLOB NOT NULL,
    origin  INTEGER NOT NULL DEFAULT 0,
    UNIQUE (device, seq)
);
CREATE INDEX events_stream ON events (stream);

-- Events that arrived but cannot be applied (unknown kind, newer payload version): kept, never
-- dropped, and shown to a person.
CREATE TABLE quarantine (
    id       BLOB PRIMARY KEY,
    event    TEXT NOT NULL,
    reason   TEXT NOT NULL,
    received INTEGER NOT NULL
) WITHOUT ROWID;

-- Projections.

CREATE TABLE units (
    code          TEXT PRIMARY KEY,
    stream        BLOB NOT NULL,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL,
    parent        TEXT,
    admin_code    TEXT NOT NULL,
    demonstration INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE staff (
    id        BLOB PRIMARY KEY,
    unit      TEXT NOT NULL,
    name      TEXT NOT NULL,
    roles     TEXT NOT NULL,
    phone     TEXT NOT NULL,
    languages TEXT NOT NULL,
    active    INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE devices (
    id   BLOB PRIMARY KEY,
    unit TEXT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE roving_sessions (
    id       BLOB PRIMARY KEY,
    unit     TEXT NOT NULL,
    date     TEXT NOT NULL,
    place    TEXT NOT NULL,
    team     TEXT NOT NULL,
    ended_at INTEGER
) WITHOUT ROWID;

CREATE TABLE consultations (
    id      BLOB PRIMARY KEY,
    unit    TEXT NOT NULL,
    at      INTEGER NOT NULL,
    channel TEXT NOT NULL,
    topic   TEXT NOT NULL,
    people  INTEGER NOT NULL,
    roving  BLOB,
    category TEXT
) WITHOUT ROWID;
CREATE INDEX consultations_at ON consultations (at);

-- One row per case; times are Unix milliseconds (UTC), deadline dates are days since
-- 1970-01-01 in the station's time zone (Asia/Shanghai).
CREATE TABLE cases (
    rowid          INTEGER PRIMARY KEY,
    id             BLOB NOT NULL UNIQUE,
    no             TEXT NOT NULL UNIQUE,
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
    respondent     TEXT NOT NULL,
    claim_fen      INTEGER,
    recovered_fen  INTEGER NOT NULL,
    doubled_fen    INTEGER NOT NULL,
    outcome        TEXT,
    closed_at      INTEGER,
    deadline_kind  TEXT,
    deadline_day   INTEGER,
    deadline_provisional INTEGER NOT NULL,
    roving         BLOB,
    flags          INTEGER NOT NULL,
    updated_hlc    INTEGER NOT NULL
);
CREATE INDEX cases_received ON cases (received_at);
CREATE INDEX cases_status ON cases (status, received_at);
CREATE INDEX cases_deadline ON cases (deadline_day) WHERE deadline_day IS NOT NULL;
CREATE INDEX cases_category ON cases (category, received_at);
CREATE INDEX cases_unit ON cases (unit, received_at);

-- Complainants (role 'c') and respondents (role 'r') of each case, for look-ups and duplicate
-- warnings. `key` is the normalised ID number or credit code when there is one.
CREATE TABLE parties (
    case_rowid INTEGER NOT NULL,
    role       TEXT NOT NULL,
    idx        INTEGER NOT NULL,
    name       TEXT NOT NULL,
    key        TEXT,
    phone      TEXT,
    PRIMARY KEY (case_rowid, role, idx)
) WITHOUT ROWID;
CREATE INDEX parties_name ON parties (name);
CREATE INDEX parties_key ON parties (key) WHERE key IS NOT NULL;

CREATE TABLE sessions (
    id           BLOB PRIMARY KEY,
    case_rowid   INTEGER NOT NULL,
    scheduled_at INTEGER,
    held_at      INTEGER,
    mode         TEXT NOT NULL,
    place        TEXT NOT NULL,
    mediator     TEXT NOT NULL,
    result       TEXT
) WITHOUT ROWID;
CREATE INDEX sessions_scheduled ON sessions (scheduled_at) WHERE held_at IS NULL;
CREATE INDEX sessions_case ON sessions (case_rowid);

CREATE TABLE transfers (
    id          BLOB PRIMARY KEY,
    case_rowid  INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    from_unit   TEXT NOT NULL,
    to_unit     TEXT NOT NULL,
    due_day     INTEGER,
    feedback_at INTEGER
) WITHOUT ROWID;
CREATE INDEX transfers_case ON transfers (case_rowid);
CREATE INDEX transfers_to ON transfers (to_unit);

-- Search: the text of each case (rowid = cases.rowid) and a trigram index over it. Queries of
-- three or more characters use the index; shorter ones (手机) scan case_text with LIKE.
CREATE TABLE case_text (
    rowid INTEGER PRIMARY KEY,
    text  TEXT NOT NULL
);
CREATE VIRTUAL TABLE case_fts USING fts5 (
    text,
    content = '',
    contentless_delete = 1,
    tokenize = 'trigram'
);
