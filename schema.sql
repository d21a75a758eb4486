-- The current schema of a CaseDesk station database, as SQLite reports it after all
-- migrations. Generated: `cargo test -p casedesk-store schema` rewrites it with UPDATE_GOLDEN=1.

CREATE TABLE applied_ops (
    op_id  TEXT PRIMARY KEY,
    result TEXT NOT NULL,
    at     INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE audit_log (
    id      BLOB PRIMARY KEY,
    at      INTEGER NOT NULL,
    unit    TEXT NOT NULL,
    actor   BLOB,
    action  TEXT NOT NULL,
    case_id BLOB,
    case_no TEXT NOT NULL,
    detail  TEXT NOT NULL,
    count   INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX audit_log_at ON audit_log (at);

CREATE TABLE blob_sync (
    sha256     TEXT PRIMARY KEY,
    direction  TEXT NOT NULL CHECK (direction IN ('up', 'down')),
    done_at    INTEGER,
    attempts   INTEGER NOT NULL DEFAULT 0,
    refused    INTEGER NOT NULL DEFAULT 0,
    last_code  TEXT,
    last_error TEXT,
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE blobs (
    sha256     TEXT PRIMARY KEY,
    size       INTEGER NOT NULL,
    media_type TEXT NOT NULL,
    stored_at  INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE calendar_days (
    date   TEXT PRIMARY KEY,
    kind   TEXT NOT NULL CHECK (kind IN ('off', 'makeup', 'local_off')),
    name   TEXT NOT NULL,
    source TEXT NOT NULL
) WITHOUT ROWID;

CREATE VIRTUAL TABLE case_chars USING fts5 (
    text,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 0'
);

CREATE TABLE 'case_chars_config'(k PRIMARY KEY, v) WITHOUT ROWID;

CREATE TABLE 'case_chars_data'(id INTEGER PRIMARY KEY, block BLOB);

CREATE TABLE 'case_chars_docsize'(id INTEGER PRIMARY KEY, sz BLOB, origin INTEGER);

CREATE TABLE 'case_chars_idx'(segid, term, pgno, PRIMARY KEY(segid, term)) WITHOUT ROWID;

CREATE VIRTUAL TABLE case_fts USING fts5 (
    text,
    content = '',
    contentless_delete = 1,
    tokenize = 'trigram'
);

CREATE TABLE 'case_fts_config'(k PRIMARY KEY, v) WITHOUT ROWID;

CREATE TABLE 'case_fts_data'(id INTEGER PRIMARY KEY, block BLOB);

CREATE TABLE 'case_fts_docsize'(id INTEGER PRIMARY KEY, sz BLOB, origin INTEGER);

CREATE TABLE 'case_fts_idx'(segid, term, pgno, PRIMARY KEY(segid, term)) WITHOUT ROWID;

CREATE TABLE case_ids (
    value      TEXT NOT NULL,
    case_rowid INTEGER NOT NULL,
    PRIMARY KEY (value, case_rowid)
) WITHOUT ROWID;

CREATE INDEX case_ids_case ON case_ids (case_rowid);

CREATE TABLE case_text (
    rowid INTEGER PRIMARY KEY,
    text  TEXT NOT NULL
);

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
, on_time INTEGER, satisfaction TEXT, place TEXT NOT NULL DEFAULT '', phone TEXT);

CREATE INDEX cases_accepted ON cases (accepted_at) WHERE accepted_at IS NOT NULL;

CREATE INDEX cases_category ON cases (category, received_at);

CREATE INDEX cases_closed ON cases (closed_at) WHERE closed_at IS NOT NULL;

CREATE INDEX cases_collective ON cases (received_at) WHERE collective = 1;

CREATE INDEX cases_deadline ON cases (deadline_day) WHERE deadline_day IS NOT NULL;

CREATE INDEX cases_no ON cases (no);

CREATE INDEX cases_received ON cases (received_at);

CREATE INDEX cases_reg_no ON cases (reg_no);

CREATE INDEX cases_roving ON cases (roving) WHERE roving IS NOT NULL;

CREATE INDEX cases_status ON cases (status, received_at);

CREATE INDEX cases_unit ON cases (unit, received_at);

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

CREATE INDEX consultations_roving ON consultations (roving) WHERE roving IS NOT NULL;

CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE devices (
    id   BLOB PRIMARY KEY,
    unit TEXT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE documents (
    event      BLOB PRIMARY KEY,
    case_rowid INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    number     TEXT NOT NULL,
    template   TEXT NOT NULL,
    sha256     TEXT NOT NULL,
    bytes      INTEGER NOT NULL,
    issued_at  INTEGER NOT NULL,
    recipient  TEXT NOT NULL,
    delivery   TEXT NOT NULL,
    subject    BLOB,
    unit       TEXT NOT NULL,
    device     BLOB NOT NULL
) WITHOUT ROWID;

CREATE INDEX documents_case ON documents (case_rowid);

CREATE INDEX documents_number ON documents (number);

CREATE TABLE drafts (
    key      TEXT PRIMARY KEY,
    body     TEXT NOT NULL,
    saved_at INTEGER NOT NULL
) WITHOUT ROWID;

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

CREATE INDEX events_kind ON events (kind);

CREATE INDEX events_stream ON events (stream);

CREATE TABLE evidence (
    event        BLOB PRIMARY KEY,
    case_rowid   INTEGER NOT NULL,
    id           BLOB NOT NULL,
    sha256       TEXT NOT NULL,
    size         INTEGER NOT NULL,
    media_type   TEXT NOT NULL,
    name         TEXT NOT NULL,
    description  TEXT NOT NULL,
    original_returned INTEGER NOT NULL,
    for_document TEXT,
    added_at     INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX evidence_case ON evidence (case_rowid);

CREATE INDEX evidence_sha256 ON evidence (sha256);

CREATE TABLE hub_quarantine (
    event_id BLOB PRIMARY KEY,
    seq      INTEGER NOT NULL,
    reason   TEXT NOT NULL,
    at       INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE parties (
    case_rowid INTEGER NOT NULL,
    role       TEXT NOT NULL,
    idx        INTEGER NOT NULL,
    name       TEXT NOT NULL,
    key        TEXT,
    phone      TEXT,
    PRIMARY KEY (case_rowid, role, idx)
) WITHOUT ROWID;

CREATE INDEX parties_key ON parties (key) WHERE key IS NOT NULL;

CREATE INDEX parties_name ON parties (name);

CREATE INDEX parties_phone ON parties (phone) WHERE phone IS NOT NULL;

CREATE TABLE quarantine (
    id       BLOB PRIMARY KEY,
    event    TEXT NOT NULL,
    reason   TEXT NOT NULL,
    received INTEGER NOT NULL
, source TEXT NOT NULL DEFAULT 'legacy') WITHOUT ROWID;

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

CREATE TABLE roving_sessions (
    id       BLOB PRIMARY KEY,
    unit     TEXT NOT NULL,
    date     TEXT NOT NULL,
    place    TEXT NOT NULL,
    team     TEXT NOT NULL,
    ended_at INTEGER
) WITHOUT ROWID;

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

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
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

CREATE TABLE staff_credentials (
    staff        BLOB PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('pin', 'password')),
    hash         TEXT NOT NULL,
    set_at       INTEGER NOT NULL,
    failures     INTEGER NOT NULL DEFAULT 0,
    locked_until INTEGER
) WITHOUT ROWID;

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

CREATE TABLE sync_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE transfers (
    case_rowid  INTEGER NOT NULL,
    id          BLOB NOT NULL,
    kind        TEXT NOT NULL,
    from_unit   TEXT NOT NULL,
    to_unit     TEXT NOT NULL,
    due_day     INTEGER,
    feedback_at INTEGER, at INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (case_rowid, id)
) WITHOUT ROWID;

CREATE INDEX transfers_to ON transfers (to_unit);

CREATE TABLE units (
    code          TEXT PRIMARY KEY,
    stream        BLOB NOT NULL,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL,
    parent        TEXT,
    admin_code    TEXT NOT NULL,
    demonstration INTEGER NOT NULL
) WITHOUT ROWID;
