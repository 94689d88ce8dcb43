-- migrate:up
-- API keys of the dealership's systems (a DMS export job, a script). Only the SHA-256 of a key is
-- stored: keys are 32 random bytes, so a fast hash is enough (no dictionary to try against it).
CREATE TABLE api_keys (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name         text NOT NULL CHECK (btrim(name) <> ''),
    -- The key's first characters ("vik_AbCd1234"), shown by `keys list` to tell keys apart.
    prefix       text NOT NULL,
    hash         bytea NOT NULL UNIQUE CHECK (length(hash) = 32),
    scopes       text[] NOT NULL DEFAULT '{write}',
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz
);

-- migrate:down
DROP TABLE api_keys;
