-- The blob lane of sync: for each file, whether the hub holds it (`up`: a file this station
-- wrote, uploaded after the events that name it) or this station received it (`down`: a file
-- events from elsewhere name, fetched after pulls), and the last failure with its code, so
-- sync status can show files waiting and files refused with the reason. A file without a
-- row has not been tried yet. Downloads in progress are `blobs/tmp/<sha256>.part`.
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
