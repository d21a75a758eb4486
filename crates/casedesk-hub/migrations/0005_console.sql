-- The association's console and USB bundles. Each device's last contact and the last head it
-- reported (`GET /v1/status?head=`: with `acked_seq`, the events waiting at the station);
-- administrator accounts (argon2id hashes only); what administrators did (revoke, unfreeze,
-- enrollment codes, by whom and when); pushes the hub refused, with the error. The hub's bundle
-- key is made on open (meta 'bundle_key').

ALTER TABLE devices ADD COLUMN last_contact_ms INTEGER;
ALTER TABLE devices ADD COLUMN reported_head INTEGER;

CREATE TABLE admins (
    name          TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    created_ms    INTEGER NOT NULL,
    updated_ms    INTEGER NOT NULL
) STRICT;

CREATE TABLE admin_actions (
    id     INTEGER PRIMARY KEY,
    at_ms  INTEGER NOT NULL,
    admin  TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT NOT NULL
) STRICT;

CREATE TABLE refusals (
    id      INTEGER PRIMARY KEY,
    at_ms   INTEGER NOT NULL,
    device  TEXT NOT NULL,
    code    TEXT NOT NULL,
    message TEXT NOT NULL
) STRICT;
CREATE INDEX refusals_at ON refusals (at_ms);
