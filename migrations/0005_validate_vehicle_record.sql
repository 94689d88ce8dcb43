-- migrate:up
-- Scans the table to prove the CHECKs of 0004 for existing rows, under SHARE UPDATE EXCLUSIVE:
-- reads and writes carry on meanwhile (ADD CONSTRAINT without NOT VALID would block them).
ALTER TABLE vehicles VALIDATE CONSTRAINT vehicles_year_check;
ALTER TABLE vehicles VALIDATE CONSTRAINT vehicles_price_check;
ALTER TABLE vehicles VALIDATE CONSTRAINT vehicles_mileage_check;
ALTER TABLE vehicles VALIDATE CONSTRAINT vehicles_status_check;

-- migrate:down
-- Nothing to undo: a validated constraint is the same constraint.
SELECT 1;
