-- migrate:up
-- An exact count(*) over a million rows takes tens of milliseconds; the list needs its total in
-- well under that. Statement-level triggers keep the count in one row, inside the same
-- transaction as the change, so it is exact and a bulk COPY updates it once.
LOCK TABLE vehicles IN SHARE ROW EXCLUSIVE MODE;

CREATE TABLE vehicle_count (
    id    boolean PRIMARY KEY DEFAULT true CHECK (id),
    total bigint NOT NULL CHECK (total >= 0)
);
INSERT INTO vehicle_count (total) SELECT count(*) FROM vehicles;

CREATE FUNCTION vehicle_count_add() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    added bigint := (SELECT count(*) FROM added_rows);
BEGIN
    -- An INSERT ... ON CONFLICT DO NOTHING that inserted nothing must not lock the counter.
    IF added > 0 THEN
        UPDATE vehicle_count SET total = total + added;
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION vehicle_count_subtract() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    removed bigint := (SELECT count(*) FROM removed_rows);
BEGIN
    IF removed > 0 THEN
        UPDATE vehicle_count SET total = total - removed;
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION vehicle_count_reset() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE vehicle_count SET total = 0;
    RETURN NULL;
END
$$;

CREATE TRIGGER vehicle_count_insert AFTER INSERT ON vehicles
    REFERENCING NEW TABLE AS added_rows
    FOR EACH STATEMENT EXECUTE FUNCTION vehicle_count_add();
CREATE TRIGGER vehicle_count_delete AFTER DELETE ON vehicles
    REFERENCING OLD TABLE AS removed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION vehicle_count_subtract();
CREATE TRIGGER vehicle_count_truncate AFTER TRUNCATE ON vehicles
    FOR EACH STATEMENT EXECUTE FUNCTION vehicle_count_reset();

-- migrate:down
DROP TRIGGER vehicle_count_truncate ON vehicles;
DROP TRIGGER vehicle_count_delete ON vehicles;
DROP TRIGGER vehicle_count_insert ON vehicles;
DROP FUNCTION vehicle_count_reset();
DROP FUNCTION vehicle_count_subtract();
DROP FUNCTION vehicle_count_add();
DROP TABLE vehicle_count;
