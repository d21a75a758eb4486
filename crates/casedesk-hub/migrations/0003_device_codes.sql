-- Device codes, unique within a unit (case numbers carry them), and enrollment codes made for
-- one device. Opening the hub gives the devices enrolled before this migration their codes
-- (from their `device.registered` events where there are any, made unique).

ALTER TABLE devices ADD COLUMN device_code TEXT;
CREATE UNIQUE INDEX devices_unit_code ON devices (unit, device_code);

ALTER TABLE enroll_codes ADD COLUMN device TEXT;
