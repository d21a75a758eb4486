-- Files travel beside the events that name them (`case.evidence_added`,
-- `case.document_issued`: `payload.sha256`); the same index as SQLite's migration 0006.
CREATE INDEX events_blob ON events ((((json::jsonb) -> 'payload') ->> 'sha256'))
    WHERE kind IN ('case.evidence_added', 'case.document_issued');
