-- migrate:up
-- The API's statements as plpgsql functions, so each server process plans them once and keeps
-- the plan (shared/data/plans.py): behind a transaction pooler nothing can be prepared, and the
-- list's first page cost more to plan (260-330 us) than to run. Their bodies are the API's own
-- statements, derived from the field declaration; tests/test_plans.py fails when they differ,
-- and `python -m shared.dev.plans` prints the definitions a later migration replaces them with.
-- Until this runs, the code sends the statements themselves.
CREATE OR REPLACE FUNCTION vehicle_by_vin(text) RETURNS TABLE (body text, etag text)
LANGUAGE plpgsql STABLE AS $function$
#variable_conflict use_column
BEGIN
    RETURN QUERY SELECT json_build_object('vin', vin, 'make', make, 'model', model, 'description', description, 'image_urls', image_urls, 'year', year, 'trim', trim, 'price', price, 'mileage', mileage, 'condition', condition, 'stock_number', stock_number, 'exterior_color', exterior_color, 'interior_color', interior_color, 'transmission', transmission, 'fuel_type', fuel_type, 'dealer_name', dealer_name, 'detail_url', detail_url, 'equipment', equipment, 'status', status, 'created_at', to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), 'updated_at', to_char(coalesce(updated_at, created_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))::text, '"' || (extract(epoch FROM created_at) * 1000000)::bigint || '-' || version || '"' FROM vehicles WHERE vin = $1::text;
END
$function$;

CREATE OR REPLACE FUNCTION vehicle_list_newest(bigint, bigint, numeric) RETURNS TABLE (body text, next_key text)
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan AS $function$
#variable_conflict use_column
BEGIN
    RETURN QUERY WITH matched AS MATERIALIZED (
    SELECT vin, created_at AS sort_key
    FROM vehicles
    WHERE true
    ORDER BY created_at DESC, vin ASC
    LIMIT $1::bigint + 1 OFFSET $2::bigint
), page AS (
    SELECT vin, sort_key FROM matched ORDER BY sort_key DESC, vin ASC LIMIT $1::bigint
)
SELECT json_build_object(
    'items', coalesce(
        (SELECT json_agg(json_build_object('vin', vin, 'make', make, 'model', model, 'year', year, 'trim', trim, 'price', price, 'mileage', mileage, 'dealer_name', dealer_name, 'status', status, 'created_at', to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), 'thumbnail_url', thumbnail_url) ORDER BY sort_key DESC, vin ASC)
         FROM (SELECT v.vin, v.make, v.model, v.year, v.trim, v.price, v.mileage, v.dealer_name, v.status, v.created_at, image_urls[1] AS thumbnail_url, page.sort_key
               FROM page JOIN vehicles AS v USING (vin)) AS vehicles),
        '[]'),
    'total', total.n,
    'page', $3::numeric,
    'page_size', $1::bigint,
    'total_pages', CASE WHEN total.n IS NOT NULL
                        THEN greatest(1, ceil(total.n / $1::numeric))::bigint END,
    'count', total.kind
)::text,
CASE WHEN EXISTS (SELECT FROM matched OFFSET $1::bigint) THEN
    (SELECT json_build_array(to_char(sort_key AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), vin)::text
     FROM page ORDER BY sort_key DESC, vin ASC OFFSET $1::bigint - 1 LIMIT 1)
END
FROM (SELECT total, 'exact' FROM vehicle_count) AS total(n, kind);
END
$function$;

CREATE OR REPLACE FUNCTION vehicle_insert(text[], text, text, text, text, text[], integer, text, numeric, integer, text, text, text, text, text, text, text, text, text[], text) RETURNS TABLE (state text, allowed boolean, body text, etag text)
LANGUAGE plpgsql VOLATILE AS $function$
#variable_conflict use_column
BEGIN
    RETURN QUERY WITH credential AS (
    SELECT 'ok'::text AS state, CASE WHEN $1::text[] IS NOT NULL THEN ARRAY(SELECT lower(btrim(d)) FROM unnest($1::text[]) AS d) END AS dealers
), written AS (
    INSERT INTO vehicles (vin, make, model, description, image_urls, year, trim, price, mileage, condition, stock_number, exterior_color, interior_color, transmission, fuel_type, dealer_name, detail_url, equipment, status)
    SELECT $2::text, $3::text, $4::text, $5::text, $6::text[], $7::integer, $8::text, $9::numeric(12,2), $10::integer, $11::text, $12::text, $13::text, $14::text, $15::text, $16::text, $17::text, $18::text, $19::text[], $20::text
    WHERE (SELECT state = 'ok' FROM credential) AND (SELECT (dealers IS NULL OR coalesce(lower(btrim($17::text)) = ANY(dealers), false)) FROM credential)
    ON CONFLICT (vin) DO NOTHING
    RETURNING json_build_object('vin', vin, 'make', make, 'model', model, 'description', description, 'image_urls', image_urls, 'year', year, 'trim', trim, 'price', price, 'mileage', mileage, 'condition', condition, 'stock_number', stock_number, 'exterior_color', exterior_color, 'interior_color', interior_color, 'transmission', transmission, 'fuel_type', fuel_type, 'dealer_name', dealer_name, 'detail_url', detail_url, 'equipment', equipment, 'status', status, 'created_at', to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), 'updated_at', to_char(coalesce(updated_at, created_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))::text AS result, '"' || (extract(epoch FROM created_at) * 1000000)::bigint || '-' || version || '"' AS etag
)
SELECT (SELECT state FROM credential), (SELECT (dealers IS NULL OR coalesce(lower(btrim($17::text)) = ANY(dealers), false)) FROM credential),
       (SELECT result FROM written), (SELECT etag FROM written);
END
$function$;

CREATE OR REPLACE FUNCTION vehicle_insert_keyed(text[], bytea, text, text, text, text, text[], integer, text, numeric, integer, text, text, text, text, text, text, text, text, text[], text) RETURNS TABLE (state text, allowed boolean, body text, etag text)
LANGUAGE plpgsql VOLATILE AS $function$
#variable_conflict use_column
BEGIN
    RETURN QUERY WITH credential AS (
    SELECT coalesce(key.state, 'unknown') AS state, key.dealers
    FROM (VALUES (true)) AS one (here)
    LEFT JOIN (SELECT CASE WHEN k.revoked_at IS NOT NULL THEN 'revoked'
                     WHEN NOT k.scopes && $1::text[] THEN 'forbidden'
                     ELSE 'ok' END AS state,
               CASE WHEN jsonb_typeof(to_jsonb(k) -> 'dealers') = 'array'
                THEN ARRAY(SELECT lower(btrim(d))
                           FROM jsonb_array_elements_text(to_jsonb(k) -> 'dealers') AS d) END AS dealers
               FROM api_keys AS k
               WHERE k.hash = $2::bytea) AS key ON true
), touched AS (
    UPDATE api_keys SET last_used_at = now()
    WHERE hash = $2::bytea AND revoked_at IS NULL
      AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
), written AS (
    INSERT INTO vehicles (vin, make, model, description, image_urls, year, trim, price, mileage, condition, stock_number, exterior_color, interior_color, transmission, fuel_type, dealer_name, detail_url, equipment, status)
    SELECT $3::text, $4::text, $5::text, $6::text, $7::text[], $8::integer, $9::text, $10::numeric(12,2), $11::integer, $12::text, $13::text, $14::text, $15::text, $16::text, $17::text, $18::text, $19::text, $20::text[], $21::text
    WHERE (SELECT state = 'ok' FROM credential) AND (SELECT (dealers IS NULL OR coalesce(lower(btrim($18::text)) = ANY(dealers), false)) FROM credential)
    ON CONFLICT (vin) DO NOTHING
    RETURNING json_build_object('vin', vin, 'make', make, 'model', model, 'description', description, 'image_urls', image_urls, 'year', year, 'trim', trim, 'price', price, 'mileage', mileage, 'condition', condition, 'stock_number', stock_number, 'exterior_color', exterior_color, 'interior_color', interior_color, 'transmission', transmission, 'fuel_type', fuel_type, 'dealer_name', dealer_name, 'detail_url', detail_url, 'equipment', equipment, 'status', status, 'created_at', to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), 'updated_at', to_char(coalesce(updated_at, created_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))::text AS result, '"' || (extract(epoch FROM created_at) * 1000000)::bigint || '-' || version || '"' AS etag
)
SELECT (SELECT state FROM credential), (SELECT (dealers IS NULL OR coalesce(lower(btrim($18::text)) = ANY(dealers), false)) FROM credential),
       (SELECT result FROM written), (SELECT etag FROM written);
END
$function$;

CREATE OR REPLACE FUNCTION vehicle_update(text[], boolean, text, boolean, text, boolean, text, boolean, text[], boolean, integer, boolean, text, boolean, numeric, boolean, integer, boolean, text, boolean, text, boolean, text, boolean, text, boolean, text, boolean, text, boolean, text, boolean, text, boolean, text[], boolean, text, text, text[]) RETURNS TABLE (state text, body text, etag text, owned boolean, kept boolean)
LANGUAGE plpgsql VOLATILE AS $function$
#variable_conflict use_column
BEGIN
    RETURN QUERY WITH credential AS (
    SELECT 'ok'::text AS state, CASE WHEN $1::text[] IS NOT NULL THEN ARRAY(SELECT lower(btrim(d)) FROM unnest($1::text[]) AS d) END AS dealers
), written AS (
    UPDATE vehicles
    SET make = CASE WHEN $2::boolean THEN $3::text ELSE make END,
        model = CASE WHEN $4::boolean THEN $5::text ELSE model END,
        description = CASE WHEN $6::boolean THEN $7::text ELSE description END,
        image_urls = CASE WHEN $8::boolean THEN $9::text[] ELSE image_urls END,
        year = CASE WHEN $10::boolean THEN $11::integer ELSE year END,
        trim = CASE WHEN $12::boolean THEN $13::text ELSE trim END,
        price = CASE WHEN $14::boolean THEN $15::numeric(12,2) ELSE price END,
        mileage = CASE WHEN $16::boolean THEN $17::integer ELSE mileage END,
        condition = CASE WHEN $18::boolean THEN $19::text ELSE condition END,
        stock_number = CASE WHEN $20::boolean THEN $21::text ELSE stock_number END,
        exterior_color = CASE WHEN $22::boolean THEN $23::text ELSE exterior_color END,
        interior_color = CASE WHEN $24::boolean THEN $25::text ELSE interior_color END,
        transmission = CASE WHEN $26::boolean THEN $27::text ELSE transmission END,
        fuel_type = CASE WHEN $28::boolean THEN $29::text ELSE fuel_type END,
        dealer_name = CASE WHEN $30::boolean THEN $31::text ELSE dealer_name END,
        detail_url = CASE WHEN $32::boolean THEN $33::text ELSE detail_url END,
        equipment = CASE WHEN $34::boolean THEN $35::text[] ELSE equipment END,
        status = CASE WHEN $36::boolean THEN $37::text ELSE status END,
        version = CASE WHEN ($2::boolean AND $3::text IS DISTINCT FROM make) OR ($4::boolean AND $5::text IS DISTINCT FROM model) OR ($6::boolean AND $7::text IS DISTINCT FROM description) OR ($8::boolean AND $9::text[] IS DISTINCT FROM image_urls) OR ($10::boolean AND $11::integer IS DISTINCT FROM year) OR ($12::boolean AND $13::text IS DISTINCT FROM trim) OR ($14::boolean AND $15::numeric(12,2) IS DISTINCT FROM price) OR ($16::boolean AND $17::integer IS DISTINCT FROM mileage) OR ($18::boolean AND $19::text IS DISTINCT FROM condition) OR ($20::boolean AND $21::text IS DISTINCT FROM stock_number) OR ($22::boolean AND $23::text IS DISTINCT FROM exterior_color) OR ($24::boolean AND $25::text IS DISTINCT FROM interior_color) OR ($26::boolean AND $27::text IS DISTINCT FROM transmission) OR ($28::boolean AND $29::text IS DISTINCT FROM fuel_type) OR ($30::boolean AND $31::text IS DISTINCT FROM dealer_name) OR ($32::boolean AND $33::text IS DISTINCT FROM detail_url) OR ($34::boolean AND $35::text[] IS DISTINCT FROM equipment) OR ($36::boolean AND $37::text IS DISTINCT FROM status) THEN version + 1 ELSE version END,
        updated_at = CASE WHEN ($2::boolean AND $3::text IS DISTINCT FROM make) OR ($4::boolean AND $5::text IS DISTINCT FROM model) OR ($6::boolean AND $7::text IS DISTINCT FROM description) OR ($8::boolean AND $9::text[] IS DISTINCT FROM image_urls) OR ($10::boolean AND $11::integer IS DISTINCT FROM year) OR ($12::boolean AND $13::text IS DISTINCT FROM trim) OR ($14::boolean AND $15::numeric(12,2) IS DISTINCT FROM price) OR ($16::boolean AND $17::integer IS DISTINCT FROM mileage) OR ($18::boolean AND $19::text IS DISTINCT FROM condition) OR ($20::boolean AND $21::text IS DISTINCT FROM stock_number) OR ($22::boolean AND $23::text IS DISTINCT FROM exterior_color) OR ($24::boolean AND $25::text IS DISTINCT FROM interior_color) OR ($26::boolean AND $27::text IS DISTINCT FROM transmission) OR ($28::boolean AND $29::text IS DISTINCT FROM fuel_type) OR ($30::boolean AND $31::text IS DISTINCT FROM dealer_name) OR ($32::boolean AND $33::text IS DISTINCT FROM detail_url) OR ($34::boolean AND $35::text[] IS DISTINCT FROM equipment) OR ($36::boolean AND $37::text IS DISTINCT FROM status) THEN now() ELSE updated_at END
    WHERE vin = $38::text AND ($39::text[] IS NULL OR '"' || (extract(epoch FROM created_at) * 1000000)::bigint || '-' || version || '"' = ANY($39::text[])) AND (SELECT state = 'ok' FROM credential)
      AND (SELECT (dealers IS NULL OR coalesce(lower(btrim(dealer_name)) = ANY(dealers), false)) FROM credential) AND (SELECT (dealers IS NULL OR coalesce(lower(btrim(CASE WHEN $30::boolean THEN $31::text ELSE dealer_name END)) = ANY(dealers), false)) FROM credential)
    RETURNING json_build_object('vin', vin, 'make', make, 'model', model, 'description', description, 'image_urls', image_urls, 'year', year, 'trim', trim, 'price', price, 'mileage', mileage, 'condition', condition, 'stock_number', stock_number, 'exterior_color', exterior_color, 'interior_color', interior_color, 'transmission', transmission, 'fuel_type', fuel_type, 'dealer_name', dealer_name, 'detail_url', detail_url, 'equipment', equipment, 'status', status, 'created_at', to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), 'updated_at', to_char(coalesce(updated_at, created_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))::text AS result, '"' || (extract(epoch FROM created_at) * 1000000)::bigint || '-' || version || '"' AS etag
), 
current AS (
    SELECT '"' || (extract(epoch FROM created_at) * 1000000)::bigint || '-' || version || '"' AS etag, (SELECT (dealers IS NULL OR coalesce(lower(btrim(dealer_name)) = ANY(dealers), false)) FROM credential) AS owned, (SELECT (dealers IS NULL OR coalesce(lower(btrim(CASE WHEN $30::boolean THEN $31::text ELSE dealer_name END)) = ANY(dealers), false)) FROM credential) AS kept
    FROM vehicles
    WHERE vin = $38::text AND NOT EXISTS (SELECT FROM written)
    FOR SHARE
)
SELECT (SELECT state FROM credential),
       (SELECT result FROM written),
       coalesce((SELECT etag FROM written), (SELECT etag FROM current)),
       (SELECT owned FROM current),
       (SELECT kept FROM current);
END
$function$;

CREATE OR REPLACE FUNCTION vehicle_update_keyed(text[], bytea, boolean, text, boolean, text, boolean, text, boolean, text[], boolean, integer, boolean, text, boolean, numeric, boolean, integer, boolean, text, boolean, text, boolean, text, boolean, text, boolean, text, boolean, text, boolean, text, boolean, text, boolean, text[], boolean, text, text, text[]) RETURNS TABLE (state text, body text, etag text, owned boolean, kept boolean)
LANGUAGE plpgsql VOLATILE AS $function$
#variable_conflict use_column
BEGIN
    RETURN QUERY WITH credential AS (
    SELECT coalesce(key.state, 'unknown') AS state, key.dealers
    FROM (VALUES (true)) AS one (here)
    LEFT JOIN (SELECT CASE WHEN k.revoked_at IS NOT NULL THEN 'revoked'
                     WHEN NOT k.scopes && $1::text[] THEN 'forbidden'
                     ELSE 'ok' END AS state,
               CASE WHEN jsonb_typeof(to_jsonb(k) -> 'dealers') = 'array'
                THEN ARRAY(SELECT lower(btrim(d))
                           FROM jsonb_array_elements_text(to_jsonb(k) -> 'dealers') AS d) END AS dealers
               FROM api_keys AS k
               WHERE k.hash = $2::bytea) AS key ON true
), touched AS (
    UPDATE api_keys SET last_used_at = now()
    WHERE hash = $2::bytea AND revoked_at IS NULL
      AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
), written AS (
    UPDATE vehicles
    SET make = CASE WHEN $3::boolean THEN $4::text ELSE make END,
        model = CASE WHEN $5::boolean THEN $6::text ELSE model END,
        description = CASE WHEN $7::boolean THEN $8::text ELSE description END,
        image_urls = CASE WHEN $9::boolean THEN $10::text[] ELSE image_urls END,
        year = CASE WHEN $11::boolean THEN $12::integer ELSE year END,
        trim = CASE WHEN $13::boolean THEN $14::text ELSE trim END,
        price = CASE WHEN $15::boolean THEN $16::numeric(12,2) ELSE price END,
        mileage = CASE WHEN $17::boolean THEN $18::integer ELSE mileage END,
        condition = CASE WHEN $19::boolean THEN $20::text ELSE condition END,
        stock_number = CASE WHEN $21::boolean THEN $22::text ELSE stock_number END,
        exterior_color = CASE WHEN $23::boolean THEN $24::text ELSE exterior_color END,
        interior_color = CASE WHEN $25::boolean THEN $26::text ELSE interior_color END,
        transmission = CASE WHEN $27::boolean THEN $28::text ELSE transmission END,
        fuel_type = CASE WHEN $29::boolean THEN $30::text ELSE fuel_type END,
        dealer_name = CASE WHEN $31::boolean THEN $32::text ELSE dealer_name END,
        detail_url = CASE WHEN $33::boolean THEN $34::text ELSE detail_url END,
        equipment = CASE WHEN $35::boolean THEN $36::text[] ELSE equipment END,
        status = CASE WHEN $37::boolean THEN $38::text ELSE status END,
        version = CASE WHEN ($3::boolean AND $4::text IS DISTINCT FROM make) OR ($5::boolean AND $6::text IS DISTINCT FROM model) OR ($7::boolean AND $8::text IS DISTINCT FROM description) OR ($9::boolean AND $10::text[] IS DISTINCT FROM image_urls) OR ($11::boolean AND $12::integer IS DISTINCT FROM year) OR ($13::boolean AND $14::text IS DISTINCT FROM trim) OR ($15::boolean AND $16::numeric(12,2) IS DISTINCT FROM price) OR ($17::boolean AND $18::integer IS DISTINCT FROM mileage) OR ($19::boolean AND $20::text IS DISTINCT FROM condition) OR ($21::boolean AND $22::text IS DISTINCT FROM stock_number) OR ($23::boolean AND $24::text IS DISTINCT FROM exterior_color) OR ($25::boolean AND $26::text IS DISTINCT FROM interior_color) OR ($27::boolean AND $28::text IS DISTINCT FROM transmission) OR ($29::boolean AND $30::text IS DISTINCT FROM fuel_type) OR ($31::boolean AND $32::text IS DISTINCT FROM dealer_name) OR ($33::boolean AND $34::text IS DISTINCT FROM detail_url) OR ($35::boolean AND $36::text[] IS DISTINCT FROM equipment) OR ($37::boolean AND $38::text IS DISTINCT FROM status) THEN version + 1 ELSE version END,
        updated_at = CASE WHEN ($3::boolean AND $4::text IS DISTINCT FROM make) OR ($5::boolean AND $6::text IS DISTINCT FROM model) OR ($7::boolean AND $8::text IS DISTINCT FROM description) OR ($9::boolean AND $10::text[] IS DISTINCT FROM image_urls) OR ($11::boolean AND $12::integer IS DISTINCT FROM year) OR ($13::boolean AND $14::text IS DISTINCT FROM trim) OR ($15::boolean AND $16::numeric(12,2) IS DISTINCT FROM price) OR ($17::boolean AND $18::integer IS DISTINCT FROM mileage) OR ($19::boolean AND $20::text IS DISTINCT FROM condition) OR ($21::boolean AND $22::text IS DISTINCT FROM stock_number) OR ($23::boolean AND $24::text IS DISTINCT FROM exterior_color) OR ($25::boolean AND $26::text IS DISTINCT FROM interior_color) OR ($27::boolean AND $28::text IS DISTINCT FROM transmission) OR ($29::boolean AND $30::text IS DISTINCT FROM fuel_type) OR ($31::boolean AND $32::text IS DISTINCT FROM dealer_name) OR ($33::boolean AND $34::text IS DISTINCT FROM detail_url) OR ($35::boolean AND $36::text[] IS DISTINCT FROM equipment) OR ($37::boolean AND $38::text IS DISTINCT FROM status) THEN now() ELSE updated_at END
    WHERE vin = $39::text AND ($40::text[] IS NULL OR '"' || (extract(epoch FROM created_at) * 1000000)::bigint || '-' || version || '"' = ANY($40::text[])) AND (SELECT state = 'ok' FROM credential)
      AND (SELECT (dealers IS NULL OR coalesce(lower(btrim(dealer_name)) = ANY(dealers), false)) FROM credential) AND (SELECT (dealers IS NULL OR coalesce(lower(btrim(CASE WHEN $31::boolean THEN $32::text ELSE dealer_name END)) = ANY(dealers), false)) FROM credential)
    RETURNING json_build_object('vin', vin, 'make', make, 'model', model, 'description', description, 'image_urls', image_urls, 'year', year, 'trim', trim, 'price', price, 'mileage', mileage, 'condition', condition, 'stock_number', stock_number, 'exterior_color', exterior_color, 'interior_color', interior_color, 'transmission', transmission, 'fuel_type', fuel_type, 'dealer_name', dealer_name, 'detail_url', detail_url, 'equipment', equipment, 'status', status, 'created_at', to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), 'updated_at', to_char(coalesce(updated_at, created_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))::text AS result, '"' || (extract(epoch FROM created_at) * 1000000)::bigint || '-' || version || '"' AS etag
), 
current AS (
    SELECT '"' || (extract(epoch FROM created_at) * 1000000)::bigint || '-' || version || '"' AS etag, (SELECT (dealers IS NULL OR coalesce(lower(btrim(dealer_name)) = ANY(dealers), false)) FROM credential) AS owned, (SELECT (dealers IS NULL OR coalesce(lower(btrim(CASE WHEN $31::boolean THEN $32::text ELSE dealer_name END)) = ANY(dealers), false)) FROM credential) AS kept
    FROM vehicles
    WHERE vin = $39::text AND NOT EXISTS (SELECT FROM written)
    FOR SHARE
)
SELECT (SELECT state FROM credential),
       (SELECT result FROM written),
       coalesce((SELECT etag FROM written), (SELECT etag FROM current)),
       (SELECT owned FROM current),
       (SELECT kept FROM current);
END
$function$;

CREATE OR REPLACE FUNCTION vehicle_delete(text[], text, text[]) RETURNS TABLE (state text, body text, etag text, owned boolean, kept boolean)
LANGUAGE plpgsql VOLATILE AS $function$
#variable_conflict use_column
BEGIN
    RETURN QUERY WITH credential AS (
    SELECT 'ok'::text AS state, CASE WHEN $1::text[] IS NOT NULL THEN ARRAY(SELECT lower(btrim(d)) FROM unnest($1::text[]) AS d) END AS dealers
), written AS (
    DELETE FROM vehicles
    WHERE vin = $2::text AND ($3::text[] IS NULL OR '"' || (extract(epoch FROM created_at) * 1000000)::bigint || '-' || version || '"' = ANY($3::text[])) AND (SELECT state = 'ok' FROM credential) AND (SELECT (dealers IS NULL OR coalesce(lower(btrim(dealer_name)) = ANY(dealers), false)) FROM credential)
    RETURNING 'deleted' AS result, NULL::text AS etag
), 
current AS (
    SELECT '"' || (extract(epoch FROM created_at) * 1000000)::bigint || '-' || version || '"' AS etag, (SELECT (dealers IS NULL OR coalesce(lower(btrim(dealer_name)) = ANY(dealers), false)) FROM credential) AS owned, (SELECT (dealers IS NULL OR coalesce(lower(btrim(dealer_name)) = ANY(dealers), false)) FROM credential) AS kept
    FROM vehicles
    WHERE vin = $2::text AND NOT EXISTS (SELECT FROM written)
    FOR SHARE
)
SELECT (SELECT state FROM credential),
       (SELECT result FROM written),
       coalesce((SELECT etag FROM written), (SELECT etag FROM current)),
       (SELECT owned FROM current),
       (SELECT kept FROM current);
END
$function$;

CREATE OR REPLACE FUNCTION vehicle_delete_keyed(text[], bytea, text, text[]) RETURNS TABLE (state text, body text, etag text, owned boolean, kept boolean)
LANGUAGE plpgsql VOLATILE AS $function$
#variable_conflict use_column
BEGIN
    RETURN QUERY WITH credential AS (
    SELECT coalesce(key.state, 'unknown') AS state, key.dealers
    FROM (VALUES (true)) AS one (here)
    LEFT JOIN (SELECT CASE WHEN k.revoked_at IS NOT NULL THEN 'revoked'
                     WHEN NOT k.scopes && $1::text[] THEN 'forbidden'
                     ELSE 'ok' END AS state,
               CASE WHEN jsonb_typeof(to_jsonb(k) -> 'dealers') = 'array'
                THEN ARRAY(SELECT lower(btrim(d))
                           FROM jsonb_array_elements_text(to_jsonb(k) -> 'dealers') AS d) END AS dealers
               FROM api_keys AS k
               WHERE k.hash = $2::bytea) AS key ON true
), touched AS (
    UPDATE api_keys SET last_used_at = now()
    WHERE hash = $2::bytea AND revoked_at IS NULL
      AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
), written AS (
    DELETE FROM vehicles
    WHERE vin = $3::text AND ($4::text[] IS NULL OR '"' || (extract(epoch FROM created_at) * 1000000)::bigint || '-' || version || '"' = ANY($4::text[])) AND (SELECT state = 'ok' FROM credential) AND (SELECT (dealers IS NULL OR coalesce(lower(btrim(dealer_name)) = ANY(dealers), false)) FROM credential)
    RETURNING 'deleted' AS result, NULL::text AS etag
), 
current AS (
    SELECT '"' || (extract(epoch FROM created_at) * 1000000)::bigint || '-' || version || '"' AS etag, (SELECT (dealers IS NULL OR coalesce(lower(btrim(dealer_name)) = ANY(dealers), false)) FROM credential) AS owned, (SELECT (dealers IS NULL OR coalesce(lower(btrim(dealer_name)) = ANY(dealers), false)) FROM credential) AS kept
    FROM vehicles
    WHERE vin = $3::text AND NOT EXISTS (SELECT FROM written)
    FOR SHARE
)
SELECT (SELECT state FROM credential),
       (SELECT result FROM written),
       coalesce((SELECT etag FROM written), (SELECT etag FROM current)),
       (SELECT owned FROM current),
       (SELECT kept FROM current);
END
$function$;

-- migrate:down
DROP FUNCTION vehicle_by_vin(text);
DROP FUNCTION vehicle_list_newest(bigint, bigint, numeric);
DROP FUNCTION vehicle_insert(text[], text, text, text, text, text[], integer, text, numeric, integer, text, text, text, text, text, text, text, text, text[], text);
DROP FUNCTION vehicle_insert_keyed(text[], bytea, text, text, text, text, text[], integer, text, numeric, integer, text, text, text, text, text, text, text, text, text[], text);
DROP FUNCTION vehicle_update(text[], boolean, text, boolean, text, boolean, text, boolean, text[], boolean, integer, boolean, text, boolean, numeric, boolean, integer, boolean, text, boolean, text, boolean, text, boolean, text, boolean, text, boolean, text, boolean, text, boolean, text, boolean, text[], boolean, text, text, text[]);
DROP FUNCTION vehicle_update_keyed(text[], bytea, boolean, text, boolean, text, boolean, text, boolean, text[], boolean, integer, boolean, text, boolean, numeric, boolean, integer, boolean, text, boolean, text, boolean, text, boolean, text, boolean, text, boolean, text, boolean, text, boolean, text, boolean, text[], boolean, text, text, text[]);
DROP FUNCTION vehicle_delete(text[], text, text[]);
DROP FUNCTION vehicle_delete_keyed(text[], bytea, text, text[]);
