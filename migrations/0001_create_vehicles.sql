-- migrate:up
CREATE TABLE vehicles (
    -- Stored trimmed and upper-cased, so the primary key also rejects duplicates in another case.
    vin         text PRIMARY KEY CHECK (vin <> '' AND vin = upper(btrim(vin))),
    make        text NOT NULL,
    model       text NOT NULL,
    description text NOT NULL,
    image_urls  text[] NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- The list is newest first with ties broken by VIN: reading this index in order finds a page
-- without sorting the table, however large it grows.
CREATE INDEX vehicles_newest_first ON vehicles (created_at DESC, vin);

-- migrate:down
DROP TABLE vehicles;
