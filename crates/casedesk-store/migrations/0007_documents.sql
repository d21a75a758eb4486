-- Documents (文书) and evidence (version 7). `documents` and `evidence` are projections of
-- `case.document_issued` and `case.evidence_added` (keyed by event: no constraint another
-- device could break, so a number two devices gave out before enrollment shows twice).
-- `blobs` is not a projection: it lists the content-addressed files this station holds under
-- `blobs/` beside the database (evidence files, the PDFs of issued documents); a hash named by
-- an event and absent here is a file still to come from elsewhere.

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

CREATE TABLE blobs (
    sha256     TEXT PRIMARY KEY,
    size       INTEGER NOT NULL,
    media_type TEXT NOT NULL,
    stored_at  INTEGER NOT NULL
) WITHOUT ROWID;
