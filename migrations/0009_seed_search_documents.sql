-- migrate:up
-- The seed computes each new vehicle's search document while the file streams into its staging
-- table, instead of in the final INSERT: PostgreSQL is otherwise idle then, waiting for the
-- client's validation, and the document (about 1 ms a row of a generated export, 1,500
-- characters of non-ASCII description) is most of a seed's time. The INSERT then supplies it, and the trigger keeps a supplied document
-- only in a transaction that says so (`SET LOCAL vehicle_search.supplied = 'on'`, shared/seed);
-- any other INSERT, and every UPDATE, is as in 0006.
CREATE OR REPLACE FUNCTION vehicles_search_document() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' AND NEW.search_document IS NOT NULL
       AND current_setting('vehicle_search.supplied', true) = 'on' THEN
        RETURN NEW;
    END IF;
    -- UPDATE OF fires when a searched column is in the SET list, changed or not (a PATCH, a
    -- synced row): the document is about 100 us of work a row, done only when it changes.
    IF TG_OP = 'UPDATE' AND OLD.search_document IS NOT NULL
       AND (NEW.make, NEW.model, NEW."trim", NEW.description, NEW.stock_number, NEW.vin)
           IS NOT DISTINCT FROM
           (OLD.make, OLD.model, OLD."trim", OLD.description, OLD.stock_number, OLD.vin) THEN
        RETURN NEW;
    END IF;
    NEW.search_document := vehicle_search_vector(
        NEW.make, NEW.model, NEW."trim", NEW.description, NEW.stock_number, NEW.vin
    );
    RETURN NEW;
END
$$;

-- The staging rows' trigger (shared/seed): the document of a row whose VIN is not stored, as
-- it arrives. A stored VIN is skipped by the seed, so its row gets none (a re-run of a feed, or
-- a snapshot of unchanged vehicles, computes no document); a document left NULL is computed by
-- the trigger above if the row is inserted after all (its vehicle deleted meanwhile).
CREATE FUNCTION vehicle_seed_document() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT FROM vehicles WHERE vin = NEW.vin) THEN
        NEW.search_document := vehicle_search_vector(
            NEW.make, NEW.model, NEW."trim", NEW.description, NEW.stock_number, NEW.vin
        );
    END IF;
    RETURN NEW;
END
$$;

-- migrate:down
DROP FUNCTION vehicle_seed_document();
CREATE OR REPLACE FUNCTION vehicles_search_document() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- UPDATE OF fires when a searched column is in the SET list, changed or not (a PATCH, a
    -- synced row): the document is about 100 us of work a row, done only when it changes.
    IF TG_OP = 'UPDATE' AND OLD.search_document IS NOT NULL
       AND (NEW.make, NEW.model, NEW."trim", NEW.description, NEW.stock_number, NEW.vin)
           IS NOT DISTINCT FROM
           (OLD.make, OLD.model, OLD."trim", OLD.description, OLD.stock_number, OLD.vin) THEN
        RETURN NEW;
    END IF;
    NEW.search_document := vehicle_search_vector(
        NEW.make, NEW.model, NEW."trim", NEW.description, NEW.stock_number, NEW.vin
    );
    RETURN NEW;
END
$$;
