-- The desk (version 3): idempotent commands, and projection columns and indexes for the
-- home screen, duplicate warnings and roving sessions. Projections gain columns, so the store
-- rebuilds them once after this migration (meta.rebuild_projections).

-- Operation ids of commands already applied (the desktop may send a command twice).
CREATE TABLE applied_ops (
    op_id  TEXT PRIMARY KEY,
    result TEXT NOT NULL,
    at     INTEGER NOT NULL
) WITHOUT ROWID;

ALTER TABLE cases ADD COLUMN accepted_at INTEGER;
CREATE INDEX cases_accepted ON cases (accepted_at) WHERE accepted_at IS NOT NULL;
CREATE INDEX cases_closed ON cases (closed_at) WHERE closed_at IS NOT NULL;
CREATE INDEX cases_roving ON cases (roving) WHERE roving IS NOT NULL;
CREATE INDEX cases_collective ON cases (received_at) WHERE collective = 1;
CREATE INDEX parties_phone ON parties (phone) WHERE phone IS NOT NULL;
CREATE INDEX consultations_roving ON consultations (roving) WHERE roving IS NOT NULL;

INSERT OR REPLACE INTO meta (key, value) VALUES ('rebuild_projections', '1');
