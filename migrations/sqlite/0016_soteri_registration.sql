-- The date Valvira's Soteri register entered a provider's service unit (Act on the Supervision
-- of Social and Health Care 741/2023, 5 §): with the number, what admission and a payment
-- commitment check.
ALTER TABLE service_units ADD COLUMN soteri_registered TEXT;
