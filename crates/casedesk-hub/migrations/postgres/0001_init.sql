-- The hub database on PostgreSQL: the same tables as the SQLite hub after its migrations
-- 0001-0003, in PostgreSQL's types (uuid, bigint, boolean). Append-only migrations: never
-- edit a shipped script, add a new one (`schema_migrations` counts them).

CREATE TABLE meta (
    key   text PRIMARY KEY,
    value text NOT NULL
);

-- The unit hierarchy, imported by an administrator.
CREATE TABLE units (
    code   text PRIMARY KEY,
    name   text NOT NULL,
    kind   text NOT NULL,
    parent text
);

-- One-time enrollment codes; only the SHA-256 of the secret is kept. `device`: made for that
-- enrolled device only.
CREATE TABLE enroll_codes (
    secret_sha256 text PRIMARY KEY,
    unit          text NOT NULL,
    created_ms    bigint NOT NULL,
    expires_ms    bigint NOT NULL,
    used_ms       bigint,
    used_by       uuid,
    device        uuid
);

-- Enrolled devices; only the SHA-256 of the token is kept. `acked_seq` and `head_hash` say how
-- far the hub holds the device's chain. A push locks its device's row first.
CREATE TABLE devices (
    id            uuid PRIMARY KEY,
    unit          text NOT NULL,
    name          text NOT NULL,
    app_version   text NOT NULL,
    token_sha256  text NOT NULL UNIQUE,
    enrolled_ms   bigint NOT NULL,
    revoked_ms    bigint,
    frozen_ms     bigint,
    frozen_reason text,
    acked_seq     bigint NOT NULL DEFAULT 0,
    head_hash     text NOT NULL,
    device_code   text NOT NULL,
    UNIQUE (unit, device_code)
);

-- Every event received, quarantined or not. Never updated or deleted. `pos` comes from a
-- sequence: unique and, for the events of one stream (pushes lock their streams), in arrival
-- order; it is not what readers page by (that is `feed.pos`).
CREATE SEQUENCE events_pos;
CREATE TABLE events (
    pos         bigint PRIMARY KEY,
    id          uuid NOT NULL UNIQUE,
    stream      uuid NOT NULL,
    device      uuid NOT NULL,
    seq         bigint NOT NULL,
    hash        text NOT NULL,
    kind        text NOT NULL,
    json        text NOT NULL,
    quarantined boolean NOT NULL DEFAULT false,
    received_ms bigint NOT NULL,
    UNIQUE (device, seq)
);
CREATE INDEX events_stream ON events (stream, pos);

-- Events stored and acknowledged but not applied, with the reason.
CREATE TABLE quarantine (
    event_pos bigint PRIMARY KEY REFERENCES events (pos),
    reason    text NOT NULL,
    at_ms     bigint NOT NULL
);

-- The units each stream addresses directly (registration, transfers, organisation events).
CREATE TABLE stream_units (
    stream uuid NOT NULL,
    unit   text NOT NULL,
    PRIMARY KEY (stream, unit)
);

-- Per-unit feeds: what each unit may pull, in order of `pos`.
CREATE TABLE feed (
    unit      text NOT NULL,
    pos       bigint NOT NULL,
    event_pos bigint NOT NULL REFERENCES events (pos),
    PRIMARY KEY (unit, pos),
    UNIQUE (unit, event_pos)
);

-- The last feed position handed out. A push takes its positions from this one row as the last
-- step before it commits: the row lock makes concurrent pushes hand out positions in the order
-- they commit, so a reader never sees a position before every smaller one (a sequence would
-- hand them out in the order of the inserts, and commits can overtake each other).
CREATE TABLE feed_clock (
    id   integer PRIMARY KEY CHECK (id = 1),
    last bigint NOT NULL
);
INSERT INTO feed_clock (id, last) VALUES (1, 0);

-- The receipt of every batch, replayed byte for byte when the batch is sent again.
CREATE TABLE receipts (
    batch_id   text PRIMARY KEY,
    device     uuid NOT NULL,
    json       text NOT NULL,
    created_ms bigint NOT NULL
);

-- The stream registry (rules::admit decides, every push keeps it).
CREATE TABLE streams (
    stream     uuid PRIMARY KEY,
    kind       text NOT NULL CHECK (kind IN ('case', 'org')),
    owner      text NOT NULL,
    started_at bigint NOT NULL REFERENCES events (pos)
);

CREATE TABLE stream_writers (
    stream     uuid NOT NULL REFERENCES streams (stream),
    unit       text NOT NULL,
    co_handle  text NOT NULL DEFAULT '',
    granted_at bigint NOT NULL REFERENCES events (pos),
    ended_at   bigint REFERENCES events (pos),
    PRIMARY KEY (stream, unit, co_handle)
);
