-- migrate:up transaction:false
-- The search documents of the rows that existed before 0006, then the indexes of the list's
-- query language (shared/data/search.py), built without blocking writes. Each index is
-- justified by the query mix of bench/search.py, which also measures the insert cost they add.
-- Re-runnable: the fill skips filled rows, and a failed build leaves an invalid index that is
-- dropped first.

-- 5,000 rows a transaction in VIN order, each committed at once: no row stays locked for
-- long, and no transaction holds the whole table. Rows written meanwhile get their document
-- from 0006's trigger. The version (and so the ETag) and updated_at are left as they were.
DO $$
DECLARE
    last_vin text := '';
    filled integer;
BEGIN
    LOOP
        WITH batch AS (
            SELECT vin FROM vehicles WHERE vin > last_vin ORDER BY vin LIMIT 5000
        ), done AS (
            UPDATE vehicles AS v
            SET search_document = vehicle_search_vector(
                v.make, v.model, v."trim", v.description, v.stock_number, v.vin
            )
            FROM batch
            WHERE v.vin = batch.vin AND v.search_document IS NULL
        )
        SELECT count(*), max(vin) INTO filled, last_vin FROM batch;
        EXIT WHEN filled = 0;
        COMMIT;
    END LOOP;
END
$$;

-- sort=price/-price, price_min/price_max. The sort keys are expressions with NULL replaced by
-- a value outside the column's range, so a cursor is a plain (key, vin) comparison the index
-- seeks to; the range filters use the same expressions, so one index serves a column's sort
-- and its range.
DROP INDEX CONCURRENTLY IF EXISTS vehicles_price_key;
CREATE INDEX CONCURRENTLY vehicles_price_key ON vehicles ((coalesce(price, 1e12)), vin);

-- sort=mileage/-mileage, mileage_max (bigint: the sentinel is above every integer mileage)
DROP INDEX CONCURRENTLY IF EXISTS vehicles_mileage_key;
CREATE INDEX CONCURRENTLY vehicles_mileage_key
    ON vehicles ((coalesce(mileage::bigint, 2147483648)), vin);

-- sort=year/-year, year_min/year_max
DROP INDEX CONCURRENTLY IF EXISTS vehicles_year_key;
CREATE INDEX CONCURRENTLY vehicles_year_key ON vehicles ((coalesce(year, 0)), vin);

-- make=, model= (case-insensitive; several values are one index scan each, combined). The
-- column itself is included so that count=exact of a make is an index-only scan: the planner
-- considers one for an expression index only when the column is in it too.
DROP INDEX CONCURRENTLY IF EXISTS vehicles_make_lower;
CREATE INDEX CONCURRENTLY vehicles_make_lower ON vehicles (lower(make)) INCLUDE (make);
DROP INDEX CONCURRENTLY IF EXISTS vehicles_model_lower;
CREATE INDEX CONCURRENTLY vehicles_model_lower ON vehicles (lower(model)) INCLUDE (model);

-- dealer=, and status= within it (a dealer's staff list their lot, or its sold or pending
-- vehicles: a few thousand rows, a few hundred, among a million)
DROP INDEX CONCURRENTLY IF EXISTS vehicles_dealer_lower;
CREATE INDEX CONCURRENTLY vehicles_dealer_lower ON vehicles (lower(dealer_name), status);
-- ... and that lot newest (or oldest) first, by keyset: without it the list walked the whole
-- inventory's newest-first index, keeping 1 row in 400 (13 ms at a million rows; now 2-4 ms)
DROP INDEX CONCURRENTLY IF EXISTS vehicles_dealer_newest;
CREATE INDEX CONCURRENTLY vehicles_dealer_newest
    ON vehicles (lower(dealer_name), created_at DESC, vin);

-- q: words, phrases ("F-150"), and VIN or stock-number prefixes
DROP INDEX CONCURRENTLY IF EXISTS vehicles_search;
CREATE INDEX CONCURRENTLY vehicles_search ON vehicles USING gin (search_document);

-- What the planner needs to estimate the filters (count=estimated answers its estimate, and
-- decides from it whether to count): make and model are far from independent (a Tesla is
-- mostly a Model 3 or Y), and lower(condition) has no index to carry statistics of its own.
-- Without these, "tesla" + "model 3" was estimated at 266 rows of 9,352 and "used" at 0.5%.
CREATE STATISTICS IF NOT EXISTS vehicles_make_model (ndistinct, dependencies, mcv)
    ON lower(make), lower(model) FROM vehicles;
CREATE STATISTICS IF NOT EXISTS vehicles_condition ON lower(condition) FROM vehicles;
ANALYZE vehicles;

-- migrate:down
-- The runner reverts in a transaction: plain DROP INDEX (a short exclusive lock each). The
-- documents go with their column, in 0006's down.
DROP STATISTICS IF EXISTS vehicles_condition;
DROP STATISTICS IF EXISTS vehicles_make_model;
DROP INDEX IF EXISTS vehicles_search;
DROP INDEX IF EXISTS vehicles_dealer_newest;
DROP INDEX IF EXISTS vehicles_dealer_lower;
DROP INDEX IF EXISTS vehicles_model_lower;
DROP INDEX IF EXISTS vehicles_make_lower;
DROP INDEX IF EXISTS vehicles_year_key;
DROP INDEX IF EXISTS vehicles_mileage_key;
DROP INDEX IF EXISTS vehicles_price_key;
