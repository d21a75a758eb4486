-- Sync with the prefecture hub (version 2).

-- Enrollment and progress: hub URL, device token, pinned certificate fingerprint, pull cursor,
-- last contact and last error. One row per key.
CREATE TABLE sync_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- This device's events that the hub stored but quarantined, with the hub's reason; shown to a
-- person, never silently dropped.
CREATE TABLE hub_quarantine (
    event_id BLOB PRIMARY KEY,
    seq      INTEGER NOT NULL,
    reason   TEXT NOT NULL,
    at       INTEGER NOT NULL
) WITHOUT ROWID;
