-- Form drafts of the desktop (an intake form being typed, a consumer warning being written):
-- local to this device, never synced, never events. In the station file so that they are
-- encrypted with it (they hold what a clerk is typing about a person) and go with its backups.
CREATE TABLE drafts (
    key      TEXT PRIMARY KEY,
    body     TEXT NOT NULL,
    saved_at INTEGER NOT NULL
) WITHOUT ROWID;
