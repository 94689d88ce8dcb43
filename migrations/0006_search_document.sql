-- migrate:up
-- What `q` searches (shared/data/search.py): each vehicle's text-search document, kept in a
-- column by a trigger. A column, not an expression index: the index's rechecks and a filter on
-- a walk of another index read the stored document instead of computing it again (about 30 us
-- a row). Not a STORED generated column: adding one rewrites the table under ACCESS EXCLUSIVE.
-- Existing rows are filled in batches by 0007, outside any long transaction.

-- Letter case and the accents of Latin scripts folded, so "Citroën" finds "CITROEN" (applied to
-- the document and to the words searched for). translate(), not the unaccent extension: the
-- embedded PostgreSQL of development and tests has no unaccent, and one rule everywhere keeps
-- answers the same in every environment. Upper-case letters are listed too, since lower()
-- leaves non-ASCII letters alone under the C locale.
CREATE FUNCTION vehicle_search_fold(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN CASE
    -- All ASCII (as many bytes as characters): lower() is all it takes.
    WHEN octet_length(value) = length(value) THEN lower(value)
    ELSE translate(
        lower(value),
        'àáâãäåāăąçćčďèéêëēėęěğìíîïīįıłñńňòóôõöøōőŕřśšşťùúûüūůűųýÿźżž'
        || 'ÀÁÂÃÄÅĀĂĄÇĆČĎÈÉÊËĒĖĘĚĞÌÍÎÏĪĮİŁÑŃŇÒÓÔÕÖØŌŐŔŘŚŠŞŤÙÚÛÜŪŮŰŲÝŸŹŻŽ',
        'aaaaaaaaacccdeeeeeeeegiiiiiiilnnnoooooooorrssstuuuuuuuuyyzzz'
        || 'aaaaaaaaacccdeeeeeeeegiiiiiiilnnnoooooooorrssstuuuuuuuuyyzzz'
    )
END;

-- The searchable document of a vehicle. 'simple' is language-independent: no stemming and no
-- stop words, so "4xe", model codes and stock numbers are kept as written. The VIN is in it
-- for prefix search (`'1hgcm8':*` uses the same GIN index). Hyphens and slashes become spaces,
-- so "F-150" is the words f and 150 in place (phrases and "150" find it; the parser alone would
-- make it f and -150), and each such word is also added whole at the end, without them:
-- f150. A search for F-150 or F150 then looks up one rare word instead of intersecting the
-- lists of "f" and "150", and ab-1001 is found by the prefix ab100 (shared/data/search.py).
CREATE FUNCTION vehicle_search_words(folded text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN to_tsvector(
    'simple'::regconfig,
    CASE WHEN strpos(folded, '-') = 0 AND strpos(folded, '/') = 0 THEN folded  -- the regex: 20 us
    ELSE translate(folded, '-/', '  ') || ' ' || coalesce(
        (SELECT string_agg(translate(word[1], '-/', ''), ' ')
         FROM regexp_matches(folded, '(\w+(?:[-/]\w+)+)', 'g') AS word),
        ''
    ) END
);

CREATE FUNCTION vehicle_search_vector(
    make text, model text, "trim" text, description text, stock_number text, vin text
) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN vehicle_search_words(vehicle_search_fold(
    coalesce(make, '') || ' ' || coalesce(model, '') || ' ' || coalesce("trim", '') || ' '
    || coalesce(description, '') || ' ' || coalesce(stock_number, '') || ' ' || coalesce(vin, '')
));

ALTER TABLE vehicles ADD COLUMN search_document tsvector;

CREATE FUNCTION vehicles_search_document() RETURNS trigger
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

-- Only when a searched column is written: a PATCH of the price leaves the document alone.
CREATE TRIGGER vehicles_search_document
    BEFORE INSERT OR UPDATE OF make, model, "trim", description, stock_number, vin ON vehicles
    FOR EACH ROW EXECUTE FUNCTION vehicles_search_document();

-- The planner's estimate of the rows a query returns: `count=estimated` past the exact cap.
-- Runs inside the list's one statement (EXPLAIN from the client would be a second round trip).
-- The query text is built by the API from its constant fragments with format('%L'); nobody
-- else may run it (Supabase grants new functions to its API roles by default).
CREATE FUNCTION vehicle_count_estimate(query text) RETURNS bigint
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    plan json;
BEGIN
    EXECUTE 'EXPLAIN (FORMAT JSON) ' || query INTO plan;
    RETURN (plan -> 0 -> 'Plan' ->> 'Plan Rows')::numeric::bigint;
END
$$;
REVOKE ALL ON FUNCTION vehicle_count_estimate(text) FROM PUBLIC;
DO $$
DECLARE
    api_role text;
BEGIN
    FOR api_role IN SELECT rolname FROM pg_roles WHERE rolname IN ('anon', 'authenticated') LOOP
        EXECUTE format('REVOKE ALL ON FUNCTION vehicle_count_estimate(text) FROM %I', api_role);
    END LOOP;
END
$$;

-- migrate:down
DROP FUNCTION vehicle_count_estimate(text);
DROP TRIGGER vehicles_search_document ON vehicles;
DROP FUNCTION vehicles_search_document();
ALTER TABLE vehicles DROP COLUMN search_document;
DROP FUNCTION vehicle_search_vector(text, text, text, text, text, text);
DROP FUNCTION vehicle_search_words(text);
DROP FUNCTION vehicle_search_fold(text);
