"""Migrations that cannot take the API down: a lock timeout instead of a queue, files that would
commit half-way refused before anything runs, unfinished files reported, dbmate's syntax read,
and databases migrated by earlier releases still accepted."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from functions import migrate as migrate_function
from shared.data.database import Database
from shared.errors import MigrationError
from shared.migrations.files import MIGRATIONS_DIR, create, load
from shared.migrations.runner import Migrator
from shared.ops.settings import Settings

# What the previous releases recorded for the shipped files (SHA-256 of their text): a change
# to the files' bytes or to how checksums are computed would refuse every migrated database.
RECORDED_CHECKSUMS = {
    "0001": "ac7913de121115311ccf1bb0f9a5ba86daf883c1ff0ee52635cff9603f3bf4de",
    "0002": "5c97960930033e135d9eda87f267c29a14a7d6fa6690b4f6a4005d540618d1d5",
}


@pytest.fixture
def migrations_dir(tmp_path: Path) -> Path:
    """The first two shipped files, so the files a test adds have known numbers (0003...)."""
    directory = tmp_path / "migrations"
    directory.mkdir()
    for shipped in sorted(MIGRATIONS_DIR.glob("000[12]_*.sql")):
        shutil.copy(shipped, directory)
    return directory


@pytest.fixture
def database(empty_database_url: str, route_url: Callable[[str], str]) -> Iterator[Database]:
    """An empty database, reached directly or through PgBouncer, with a 300 ms lock timeout."""
    settings = Settings(database_url=route_url(empty_database_url), migration_lock_timeout_ms=300)
    db = Database(settings)
    yield db
    db.close()


@pytest.fixture
def direct_database(empty_database_url: str) -> Iterator[Database]:
    db = Database(Settings(database_url=empty_database_url))
    yield db
    db.close()


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text)
    return path


def columns(db: Database) -> set[str]:
    row = db.fetch_one(
        "SELECT array_agg(column_name::text) FROM information_schema.columns "
        "WHERE table_name = 'vehicles'",
        retry=True,
    )
    assert row is not None
    return set(row[0])


def tables(db: Database) -> set[str]:
    row = db.fetch_one(
        "SELECT coalesce(array_agg(tablename::text), '{}') FROM pg_tables "
        "WHERE schemaname = 'public'",
        retry=True,
    )
    assert row is not None
    return set(row[0])


def test_a_migration_behind_a_long_read_gives_up_at_the_lock_timeout_with_nothing_applied(
    database: Database, migrations_dir: Path, empty_database_url: str
) -> None:
    Migrator(database, migrations_dir).up()
    write(
        migrations_dir,
        "0003_add_color.sql",
        "-- migrate:up\nALTER TABLE vehicles ADD COLUMN color text;\n"
        "-- migrate:down\nALTER TABLE vehicles DROP COLUMN color;\n",
    )
    outcome: list[BaseException | dict[str, Any]] = []

    def migrate() -> None:
        try:
            outcome.append(Migrator(database, migrations_dir).up())
        except BaseException as err:  # noqa: BLE001 - handed to the main thread
            outcome.append(err)

    with psycopg.connect(empty_database_url) as reader:  # a long read holds its table lock
        reader.execute("SELECT count(*) FROM vehicles")
        worker = threading.Thread(target=migrate, daemon=True)
        worker.start()
        worker.join(timeout=30)
        hung = worker.is_alive()
        reader.rollback()
    worker.join(timeout=30)
    assert not hung, "the migration queued behind the read instead of giving up"
    assert isinstance(outcome[0], MigrationError), outcome
    message = str(outcome[0])
    assert "0003_add_color.sql failed" in message
    assert "MIGRATION_LOCK_TIMEOUT_MS" in message
    assert "run it again" in message
    assert "color" not in columns(database)
    assert Migrator(database, migrations_dir).status()["pending"] == ["0003_add_color.sql"]
    assert Migrator(database, migrations_dir).up()["applied_now"] == ["0003_add_color.sql"]


@pytest.mark.parametrize(
    "control",
    ["COMMIT", "BEGIN", "ROLLBACK", "END", "START TRANSACTION", "commit and chain", "ABORT"],
)
def test_a_transactional_file_that_would_end_its_transaction_is_not_ready(
    migrations_dir: Path, control: str
) -> None:
    write(
        migrations_dir,
        "0003_half.sql",
        f"-- migrate:up\nCREATE TABLE half (id int);\n/* done */ {control};\n"
        "CREATE TABLE other (id int);\n-- migrate:down\nDROP TABLE half;\n",
    )
    problem = load(migrations_dir, strict=False)[-1].problem
    assert problem is not None
    keyword = control.upper() if control.startswith("START") else control.partition(" ")[0].upper()
    assert problem.startswith(f"the up section runs {keyword},")


def test_such_a_file_is_refused_before_anything_runs(
    direct_database: Database, migrations_dir: Path
) -> None:
    write(
        migrations_dir,
        "0003_fine.sql",
        "-- migrate:up\nCREATE TABLE fine (id int);\n-- migrate:down\nDROP TABLE fine;\n",
    )
    write(
        migrations_dir,
        "0004_half.sql",
        "-- migrate:up\nCREATE TABLE half (id int);\nCOMMIT;\nCREATE TABLE other (id int);\n"
        "-- migrate:down\nDROP TABLE half;\n",
    )
    with pytest.raises(
        MigrationError, match=r"0004_half\.sql: the up section runs COMMIT"
    ) as raised:
        Migrator(direct_database, migrations_dir).up()
    assert "nothing was applied" in str(raised.value)
    assert {"vehicles", "fine", "half", "other"}.isdisjoint(tables(direct_database))
    status = Migrator(direct_database, migrations_dir).status()
    assert status["applied"] == []
    assert "0004_half.sql" in status["not_ready"]


def test_savepoints_function_bodies_and_no_transaction_files_are_not_refused(
    direct_database: Database, migrations_dir: Path
) -> None:
    database = direct_database
    write(
        migrations_dir,
        "0003_savepoints.sql",
        "-- migrate:up\nSAVEPOINT before;\nCREATE TABLE scratch (id int);\n"
        "ROLLBACK TO SAVEPOINT before;\nRELEASE SAVEPOINT before;\n"
        "DO $$ BEGIN PERFORM 1; END $$;\n"
        "CREATE FUNCTION one() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END;\n"
        "-- migrate:down\nDROP FUNCTION one();\n",
    )
    write(
        migrations_dir,
        "0004_outside.sql",
        "-- migrate:up transaction:false\nCOMMIT;\nCREATE TABLE outside (id int);\n"
        "-- migrate:down\nDROP TABLE outside;\n",
    )
    summary = Migrator(database, migrations_dir).up()
    assert summary["applied_now"][-2:] == ["0003_savepoints.sql", "0004_outside.sql"]
    assert "scratch" not in tables(database)
    assert "outside" in tables(database)


def test_an_unfilled_new_file_shows_in_status_and_only_up_refuses_it(
    direct_database: Database, migrations_dir: Path
) -> None:
    database = direct_database
    Migrator(database, migrations_dir).up()
    path = create("add color", migrations_dir)
    status = Migrator(database, migrations_dir).status()
    assert status["pending"] == [path.name]
    assert status["not_ready"] == {
        path.name: "the up section is empty: write the migration, or delete the file"
    }
    with pytest.raises(MigrationError, match=rf"{path.name}: the up section is empty"):
        Migrator(database, migrations_dir).up()
    assert Migrator(database, migrations_dir).down()["reverted_now"] == ["0002_vehicle_count.sql"]
    assert Migrator(database, migrations_dir).up("0002")["current"] == "0002"


def test_dbmate_transaction_false_markers_run_outside_a_transaction_both_ways(
    database: Database, migrations_dir: Path
) -> None:
    write(
        migrations_dir,
        "0003_make_index.sql",
        "-- migrate:up transaction:false\n"
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS vehicles_make ON vehicles (make);\n"
        "-- migrate:down transaction:false\n"
        "DROP INDEX CONCURRENTLY IF EXISTS vehicles_make;\n",
    )
    migration = load(migrations_dir)[-1]
    assert (migration.transactional, migration.down_transactional) == (False, False)
    assert Migrator(database, migrations_dir).up()["current"] == "0003"
    index = "SELECT count(*) FROM pg_indexes WHERE indexname = 'vehicles_make'"
    assert database.fetch_one(index, retry=True) == (1,)
    assert Migrator(database, migrations_dir).down()["reverted_now"] == ["0003_make_index.sql"]
    assert database.fetch_one(index, retry=True) == (0,)


def test_databases_migrated_by_earlier_releases_are_accepted(direct_database: Database) -> None:
    database = direct_database
    Migrator(database).up()
    with database.transaction() as conn:
        rows = dict(conn.execute("SELECT version, checksum FROM schema_migrations").fetchall())
    shipped = {m.version: m.checksum for m in load()}
    assert {version: rows[version] for version in RECORDED_CHECKSUMS} == RECORDED_CHECKSUMS
    assert {version: shipped[version] for version in RECORDED_CHECKSUMS} == RECORDED_CHECKSUMS
    assert Migrator(database).up()["applied_now"] == []


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ({"steps": "1"}, "steps must be a whole number"),
        ({"steps": True}, "steps must be a whole number"),
        ({"target": 1}, "target must be a version string"),
        ({"action": None}, "action must be one of up, down, status, got None"),
        (
            {"action": "up", "force": True, "dry": 1},
            "unknown keys in the migrate event: dry, force",
        ),
        (["up"], "the migrate event is not valid"),
    ],
    ids=["steps-text", "steps-bool", "target-number", "action-null", "two-unknown", "not-object"],
)
def test_a_malformed_migrate_event_fails_with_one_line_naming_the_field(
    app_env: pytest.MonkeyPatch, event: Any, message: str
) -> None:
    with pytest.raises(MigrationError, match=message) as raised:
        migrate_function.handler(event, None)
    assert "\n" not in str(raised.value)
