-- migrate:up
-- What `q` searches, as functions the indexes of 0011 and the queries share (an expression
-- index is used only by a query spelling the same expression). Expressions, not a generated
-- column: adding a STORED column would rewrite the whole table under ACCESS EXCLUSIVE.

-- Letter case and the accents of Latin scripts folded, so "Citroën" finds "CITROEN" (applied to
-- the document and to the words searched for). translate(), not the unaccent extension:
-- the embedded PostgreSQL of development and tests has no unaccent, and one rule everywhere
-- keeps indexes and answers the same in every environment. Upper-case letters are listed too,
-- since lower() leaves non-ASCII letters alone under the C locale.
CREATE FUNCTION vehicle_search_fold(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN CASE
    -- All ASCII (as many bytes as characters): lower() is all it takes. translate() costs about
    -- 30 us on a 100-character description, and the GIN index's rechecks evaluate this again.
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
-- so "F-150" is the words f and 150 (the parser alone would make it f and -150) and "150" finds
-- it; the API splits hyphenated words of a search the same way.
CREATE FUNCTION vehicle_search_vector(
    make text, model text, "trim" text, description text, stock_number text, vin text
) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN to_tsvector(
    'simple'::regconfig,
    replace(replace(vehicle_search_fold(
        coalesce(make, '') || ' ' || coalesce(model, '') || ' ' || coalesce("trim", '') || ' '
        || coalesce(description, '') || ' ' || coalesce(stock_number, '') || ' '
        || coalesce(vin, '')
    ), '-', ' '), '/', ' ')
);

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
DROP FUNCTION vehicle_search_vector(text, text, text, text, text, text);
DROP FUNCTION vehicle_search_fold(text);
