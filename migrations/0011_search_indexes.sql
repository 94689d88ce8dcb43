-- migrate:up
-- migrate:no-transaction
-- The indexes of the list's query language (shared/data/search.py), built without blocking
-- writes. Each is justified by the query mix of bench/search.py; the insert cost they add is
-- measured there too. Re-runnable: a build that failed leaves an invalid index, dropped first.
-- The sort keys are expressions with NULL replaced by a value outside the column's range, so a
-- cursor is a plain (key, vin) comparison the index can seek to; the range filters use the same
-- expressions, so one index serves a column's sort and its range.

-- sort=price/-price, price_min/price_max
DROP INDEX CONCURRENTLY IF EXISTS vehicles_price_key;
CREATE INDEX CONCURRENTLY vehicles_price_key ON vehicles ((coalesce(price, 1e12)), vin);

-- sort=mileage/-mileage, mileage_max (bigint: the sentinel is above every integer mileage)
DROP INDEX CONCURRENTLY IF EXISTS vehicles_mileage_key;
CREATE INDEX CONCURRENTLY vehicles_mileage_key
    ON vehicles ((coalesce(mileage::bigint, 2147483648)), vin);

-- sort=year/-year, year_min/year_max
DROP INDEX CONCURRENTLY IF EXISTS vehicles_year_key;
CREATE INDEX CONCURRENTLY vehicles_year_key ON vehicles ((coalesce(year, 0)), vin);

-- make=, model= (case-insensitive; several values are one index scan each, combined)
DROP INDEX CONCURRENTLY IF EXISTS vehicles_make_lower;
CREATE INDEX CONCURRENTLY vehicles_make_lower ON vehicles (lower(make));
DROP INDEX CONCURRENTLY IF EXISTS vehicles_model_lower;
CREATE INDEX CONCURRENTLY vehicles_model_lower ON vehicles (lower(model));

-- dealer= (a dealer's own staff list their lot: a few thousand rows among a million)
DROP INDEX CONCURRENTLY IF EXISTS vehicles_dealer_lower;
CREATE INDEX CONCURRENTLY vehicles_dealer_lower ON vehicles (lower(dealer_name));

-- q: words, phrases ("F-150"), and VIN or stock-number prefixes
DROP INDEX CONCURRENTLY IF EXISTS vehicles_search;
CREATE INDEX CONCURRENTLY vehicles_search ON vehicles USING gin (
    vehicle_search_vector(make, model, trim, description, stock_number, vin)
);

-- migrate:down
-- The runner reverts in a transaction: plain DROP INDEX (a short exclusive lock each).
DROP INDEX IF EXISTS vehicles_search;
DROP INDEX IF EXISTS vehicles_dealer_lower;
DROP INDEX IF EXISTS vehicles_model_lower;
DROP INDEX IF EXISTS vehicles_make_lower;
DROP INDEX IF EXISTS vehicles_year_key;
DROP INDEX IF EXISTS vehicles_mileage_key;
DROP INDEX IF EXISTS vehicles_price_key;
