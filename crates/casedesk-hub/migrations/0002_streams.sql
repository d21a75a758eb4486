-- The stream registry: what each stream is and who may write it (rules::admit decides, every
-- push keeps it). Opening the hub fills it from the events held before this migration, in
-- arrival order.

-- One row per stream started by an accepted event: a case (`case.registered`) or an
-- organisation record (its first organisation event), owned by the unit that started it.
CREATE TABLE streams (
    stream     TEXT PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('case', 'org')),
    owner      TEXT NOT NULL,
    started_at INTEGER NOT NULL REFERENCES events (pos)
) STRICT;

-- Units that may write a case stream besides its owner. `co_handle` is '' for a unit named by a
-- transfer down or up (for good), or the transfer id of a co-handling, which ends (`ended_at`)
-- when a feedback for that transfer is accepted.
CREATE TABLE stream_writers (
    stream     TEXT NOT NULL REFERENCES streams (stream),
    unit       TEXT NOT NULL,
    co_handle  TEXT NOT NULL DEFAULT '',
    granted_at INTEGER NOT NULL REFERENCES events (pos),
    ended_at   INTEGER REFERENCES events (pos),
    PRIMARY KEY (stream, unit, co_handle)
) STRICT, WITHOUT ROWID;
