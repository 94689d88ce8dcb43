-- migrate:up
-- POST's INSERT takes the vehicle as one jsonb parameter, the validated model's JSON, instead of
-- a parameter a field (shared/data/vehicles.py): quoting twenty values cost the client about 61 us
-- of CPU a request. The functions' arguments change, so the old ones go; until this runs the code
-- sends the statement itself (shared/data/plans.py), which needs no function.
DROP FUNCTION vehicle_insert(text[], text, text, text, text, text[], integer, text, numeric, integer, text, text, text, text, text, text, text, text, text[], text);
DROP FUNCTION vehicle_insert_keyed(text[], bytea, text, text, text, text, text[], integer, text, numeric, integer, text, text, text, text, text, text, text, text, text[], text);

CREATE OR REPLACE FUNCTION vehicle_insert(text[], jsonb) RETURNS TABLE (state text, allowed boolean, body text, etag text)
LANGUAGE plpgsql VOLATILE AS $function$
#variable_conflict use_column
BEGIN
    RETURN QUERY WITH credential AS (
    SELECT 'ok'::text AS state, CASE WHEN $1::text[] IS NOT NULL THEN ARRAY(SELECT lower(btrim(d)) FROM unnest($1::text[]) AS d) END AS dealers
), written AS (
    INSERT INTO vehicles (vin, make, model, description, image_urls, year, trim, price, mileage, condition, stock_number, exterior_color, interior_color, transmission, fuel_type, dealer_name, detail_url, equipment, status)
    SELECT given.vin, given.make, given.model, given.description, given.image_urls, given.year, given.trim, given.price, given.mileage, given.condition, given.stock_number, given.exterior_color, given.interior_color, given.transmission, given.fuel_type, given.dealer_name, given.detail_url, given.equipment, given.status FROM jsonb_populate_record(NULL::vehicles, $2::jsonb) AS given
    WHERE (SELECT state = 'ok' FROM credential) AND (SELECT (dealers IS NULL OR coalesce(lower(btrim(($2::jsonb ->> 'dealer_name'))) = ANY(dealers), false)) FROM credential)
    ON CONFLICT (vin) DO NOTHING
    RETURNING json_build_object('vin', vin, 'make', make, 'model', model, 'description', description, 'image_urls', image_urls, 'year', year, 'trim', trim, 'price', price, 'mileage', mileage, 'condition', condition, 'stock_number', stock_number, 'exterior_color', exterior_color, 'interior_color', interior_color, 'transmission', transmission, 'fuel_type', fuel_type, 'dealer_name', dealer_name, 'detail_url', detail_url, 'equipment', equipment, 'status', status, 'created_at', to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), 'updated_at', to_char(coalesce(updated_at, created_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))::text AS result, '"' || (extract(epoch FROM created_at) * 1000000)::bigint || '-' || version || '"' AS etag
)
SELECT (SELECT state FROM credential), (SELECT (dealers IS NULL OR coalesce(lower(btrim(($2::jsonb ->> 'dealer_name'))) = ANY(dealers), false)) FROM credential),
       (SELECT result FROM written), (SELECT etag FROM written);
END
$function$;

CREATE OR REPLACE FUNCTION vehicle_insert_keyed(text[], bytea, jsonb) RETURNS TABLE (state text, allowed boolean, body text, etag text)
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
    SELECT given.vin, given.make, given.model, given.description, given.image_urls, given.year, given.trim, given.price, given.mileage, given.condition, given.stock_number, given.exterior_color, given.interior_color, given.transmission, given.fuel_type, given.dealer_name, given.detail_url, given.equipment, given.status FROM jsonb_populate_record(NULL::vehicles, $3::jsonb) AS given
    WHERE (SELECT state = 'ok' FROM credential) AND (SELECT (dealers IS NULL OR coalesce(lower(btrim(($3::jsonb ->> 'dealer_name'))) = ANY(dealers), false)) FROM credential)
    ON CONFLICT (vin) DO NOTHING
    RETURNING json_build_object('vin', vin, 'make', make, 'model', model, 'description', description, 'image_urls', image_urls, 'year', year, 'trim', trim, 'price', price, 'mileage', mileage, 'condition', condition, 'stock_number', stock_number, 'exterior_color', exterior_color, 'interior_color', interior_color, 'transmission', transmission, 'fuel_type', fuel_type, 'dealer_name', dealer_name, 'detail_url', detail_url, 'equipment', equipment, 'status', status, 'created_at', to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), 'updated_at', to_char(coalesce(updated_at, created_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))::text AS result, '"' || (extract(epoch FROM created_at) * 1000000)::bigint || '-' || version || '"' AS etag
)
SELECT (SELECT state FROM credential), (SELECT (dealers IS NULL OR coalesce(lower(btrim(($3::jsonb ->> 'dealer_name'))) = ANY(dealers), false)) FROM credential),
       (SELECT result FROM written), (SELECT etag FROM written);
END
$function$;

-- migrate:down
DROP FUNCTION vehicle_insert(text[], jsonb);
DROP FUNCTION vehicle_insert_keyed(text[], bytea, jsonb);

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
