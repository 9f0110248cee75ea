-- A provider user's service unit (Client Data Act 703/2023, 9 §): such a user reaches only the
-- commitments that name the unit. NULL: every unit of the organisation.
ALTER TABLE users ADD COLUMN unit_id UUID REFERENCES service_units (id);
