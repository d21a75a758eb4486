-- The hub database. Append-only migrations: never edit a shipped script, add a new one.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- The unit hierarchy, imported by an administrator.
CREATE TABLE units (
    code   TEXT PRIMARY KEY,
    name   TEXT NOT NULL,
    kind   TEXT NOT NULL,
    parent TEXT
) STRICT;

-- One-time enrollment codes; only the SHA-256 of the secret is kept.
CREATE TABLE enroll_codes (
    secret_sha256 TEXT PRIMARY KEY,
    unit          TEXT NOT NULL,
    created_ms    INTEGER NOT NULL,
    expires_ms    INTEGER NOT NULL,
    used_ms       INTEGER,
    used_by       TEXT
) STRICT;

-- Enrolled devices; only the SHA-256 of the token is kept. `acked_seq` and `head_hash` say how
-- far the hub holds the device's chain.
CREATE TABLE devices (
    id            TEXT PRIMARY KEY,
    unit          TEXT NOT NULL,
    name          TEXT NOT NULL,
    app_version   TEXT NOT NULL,
    token_sha256  TEXT NOT NULL UNIQUE,
    enrolled_ms   INTEGER NOT NULL,
    revoked_ms    INTEGER,
    frozen_ms     INTEGER,
    frozen_reason TEXT,
    acked_seq     INTEGER NOT NULL DEFAULT 0,
    head_hash     TEXT NOT NULL
) STRICT;

-- Every event received, quarantined or not, in arrival order. Never updated or deleted.
CREATE TABLE events (
    pos         INTEGER PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE,
    stream      TEXT NOT NULL,
    device      TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    hash        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    json        TEXT NOT NULL,
    quarantined INTEGER NOT NULL DEFAULT 0,
    received_ms INTEGER NOT NULL,
    UNIQUE (device, seq)
) STRICT;
CREATE INDEX events_stream ON events (stream, pos);

-- Events stored and acknowledged but not applied, with the reason.
CREATE TABLE quarantine (
    event_pos INTEGER PRIMARY KEY REFERENCES events (pos),
    reason    TEXT NOT NULL,
    at_ms     INTEGER NOT NULL
) STRICT;

-- The units each stream addresses directly (registration, transfers, organisation events).
CREATE TABLE stream_units (
    stream TEXT NOT NULL,
    unit   TEXT NOT NULL,
    PRIMARY KEY (stream, unit)
) STRICT, WITHOUT ROWID;

-- Per-unit feeds: what each unit may pull, in order of `pos`.
CREATE TABLE feed (
    pos       INTEGER PRIMARY KEY AUTOINCREMENT,
    unit      TEXT NOT NULL,
    event_pos INTEGER NOT NULL REFERENCES events (pos),
    UNIQUE (unit, event_pos)
) STRICT;
CREATE INDEX feed_unit_pos ON feed (unit, pos);

-- The receipt of every batch, replayed byte for byte when the batch is sent again.
CREATE TABLE receipts (
    batch_id   TEXT PRIMARY KEY,
    device     TEXT NOT NULL,
    json       TEXT NOT NULL,
    created_ms INTEGER NOT NULL
) STRICT;
