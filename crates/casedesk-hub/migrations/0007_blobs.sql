-- Files travel beside the events that name them (`case.evidence_added`,
-- `case.document_issued`: `payload.sha256`). The bytes live outside the database, named by
-- their hash; the database only finds which events name a hash: who may upload it (an
-- accepted event the device pushed) and who may download it (an event in the unit's feed).
CREATE INDEX events_blob ON events (json_extract(json, '$.payload.sha256'))
    WHERE kind IN ('case.evidence_added', 'case.document_issued');
