-- migrate:up
-- The full dealer record. Safe on a big live table: every new column is nullable without a
-- default, or has a constant default (PostgreSQL 11+ stores it in the catalog: no rewrite), so
-- the ACCESS EXCLUSIVE lock is held for milliseconds. The CHECKs are NOT VALID here (no scan
-- under that lock); 0004 validates them under a lock that lets reads and writes go on.
-- `updated_at` of existing rows stays NULL (filling it would rewrite every row) and is shown as
-- created_at; the default applies to new rows only, set after the column exists.
ALTER TABLE vehicles
    ADD COLUMN year           integer,
    ADD COLUMN trim           text,
    ADD COLUMN price          numeric(12,2),
    ADD COLUMN mileage        integer,
    ADD COLUMN condition      text,
    ADD COLUMN stock_number   text,
    ADD COLUMN exterior_color text,
    ADD COLUMN interior_color text,
    ADD COLUMN transmission   text,
    ADD COLUMN fuel_type      text,
    ADD COLUMN dealer_name    text,
    ADD COLUMN detail_url     text,
    ADD COLUMN equipment      text[] NOT NULL DEFAULT '{}',
    ADD COLUMN status         text NOT NULL DEFAULT 'available',
    ADD COLUMN updated_at     timestamptz,
    -- Counts changes: the ETag is (created_at, version), so two changes in one microsecond
    -- still give two ETags, and a VIN deleted and created again never repeats an old one.
    ADD COLUMN version        bigint NOT NULL DEFAULT 1;
ALTER TABLE vehicles ALTER COLUMN updated_at SET DEFAULT now();

-- What the database itself guarantees, whoever writes. The year's upper bound moves with the
-- calendar, so it is the API's rule only.
ALTER TABLE vehicles
    ADD CONSTRAINT vehicles_year_check CHECK (year >= 1886) NOT VALID,
    ADD CONSTRAINT vehicles_price_check CHECK (price >= 0) NOT VALID,
    ADD CONSTRAINT vehicles_mileage_check CHECK (mileage >= 0) NOT VALID,
    ADD CONSTRAINT vehicles_status_check
        CHECK (status IN ('available', 'pending', 'sold')) NOT VALID;

-- migrate:down
ALTER TABLE vehicles
    DROP COLUMN version,
    DROP COLUMN updated_at,
    DROP COLUMN status,
    DROP COLUMN equipment,
    DROP COLUMN detail_url,
    DROP COLUMN dealer_name,
    DROP COLUMN fuel_type,
    DROP COLUMN transmission,
    DROP COLUMN interior_color,
    DROP COLUMN exterior_color,
    DROP COLUMN stock_number,
    DROP COLUMN condition,
    DROP COLUMN mileage,
    DROP COLUMN price,
    DROP COLUMN trim,
    DROP COLUMN year;
