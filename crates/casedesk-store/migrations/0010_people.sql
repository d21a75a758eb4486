-- Staff and privacy (version 10): the staff's passwords and PINs, kept on this device only;
-- the access log (who revealed which number, who exported what); ID numbers and phone numbers
-- found only whole (they leave the search indexes, so a masked number cannot be worked out
-- by searching for its digits); the first phone of a case for its list row (shown masked);
-- The projections are rebuilt.

-- Passwords and PINs as argon2id hashes (PHC strings). Never in an event, never synced. Failed
-- tries and the end of a lock-out, per staff member.
CREATE TABLE staff_credentials (
    staff        BLOB PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('pin', 'password')),
    hash         TEXT NOT NULL,
    set_at       INTEGER NOT NULL,
    failures     INTEGER NOT NULL DEFAULT 0,
    locked_until INTEGER
) WITHOUT ROWID;

-- Projection of audit.revealed and audit.exported.
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

-- Projection: the complainants' ID numbers and phone numbers (digits only) of each case.
CREATE TABLE case_ids (
    value      TEXT NOT NULL,
    case_rowid INTEGER NOT NULL,
    PRIMARY KEY (value, case_rowid)
) WITHOUT ROWID;
CREATE INDEX case_ids_case ON case_ids (case_rowid);

ALTER TABLE cases ADD COLUMN phone TEXT;

INSERT OR REPLACE INTO meta (key, value) VALUES ('rebuild_projections', '1');
