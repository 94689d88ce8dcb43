-- migrate:up
-- Dealer-scoped API keys: `dealers` lists the dealer names a key may write (compared trimmed and
-- case-insensitively with vehicles.dealer_name); NULL, the value of every existing key, is
-- unscoped. A nullable column without a default is a catalog change only (no table rewrite), and
-- the CHECK, NOT VALID, scans nothing under the ACCESS EXCLUSIVE lock. An empty list would be a key
-- that may write nothing: the CHECK refuses it so that "no scope" is said one way, NULL.
ALTER TABLE api_keys ADD COLUMN dealers text[];
ALTER TABLE api_keys
    ADD CONSTRAINT api_keys_dealers_check
        CHECK (dealers IS NULL OR (cardinality(dealers) > 0 AND array_position(dealers, NULL) IS NULL))
        NOT VALID;

-- migrate:down
ALTER TABLE api_keys DROP COLUMN dealers;
