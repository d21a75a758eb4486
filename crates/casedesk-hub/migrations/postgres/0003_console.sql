-- The association's console and USB bundles (as SQLite's 0005_console.sql): each device's last
-- contact and the last head it reported, administrator accounts (argon2id hashes only), what
-- administrators did, and pushes the hub refused. The hub's bundle key is made on open (meta
-- 'bundle_key').

ALTER TABLE devices ADD COLUMN last_contact_ms bigint;
ALTER TABLE devices ADD COLUMN reported_head bigint;

CREATE TABLE admins (
    name          text PRIMARY KEY,
    password_hash text NOT NULL,
    created_ms    bigint NOT NULL,
    updated_ms    bigint NOT NULL
);

CREATE TABLE admin_actions (
    id     bigserial PRIMARY KEY,
    at_ms  bigint NOT NULL,
    admin  text NOT NULL,
    action text NOT NULL,
    target text NOT NULL,
    detail text NOT NULL
);

CREATE TABLE refusals (
    id      bigserial PRIMARY KEY,
    at_ms   bigint NOT NULL,
    device  uuid NOT NULL,
    code    text NOT NULL,
    message text NOT NULL
);
CREATE INDEX refusals_at ON refusals (at_ms);
