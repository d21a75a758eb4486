-- Signatures: the public key each device made at enrollment (NULL for a device enrolled without
-- one: its batches stay unsigned), and the device's signature of each batch, kept with the
-- batch's receipt so the hub can prove what the device sent. The hub's own signing key is made
-- on open (meta 'signing_key').

ALTER TABLE devices ADD COLUMN sign_key text;
ALTER TABLE receipts ADD COLUMN device_signature text;
