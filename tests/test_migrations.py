"""The migration runner: up/down/status, checksums, atomicity, concurrency, the migrate function."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from functions import migrate as migrate_function
from shared.data.database import Database
from shared.errors import MigrationError
from shared.migrations.files import MIGRATIONS_DIR, create, load, split_statements
from shared.migrations.runner import Migrator
from shared.ops.settings import Settings

# The project's migrations, whatever their number: the tests below add theirs after the last.
PROJECT = [m.file_name for m in load(MIGRATIONS_DIR)]
LAST = PROJECT[-1][:4]
NEXT = f"{int(LAST) + 1:04d}"


def tables(db: Database) -> set[str]:
    row = db.fetch_one(
        "SELECT coalesce(array_agg(tablename::text), '{}') FROM pg_tables "
        "WHERE schemaname = 'public'",
        retry=True,
    )
    assert row is not None
    return set(row[0])


@pytest.fixture
def target_url(empty_database_url: str, route_url: Callable[[str], str]) -> str:
    """An empty database, reached directly or through PgBouncer."""
    return route_url(empty_database_url)


@pytest.fixture
def database(target_url: str) -> Iterator[Database]:
    db = Database(Settings(database_url=target_url))
    yield db
    db.close()


@pytest.fixture
def migrations_dir(tmp_path: Path) -> Path:
    """A copy of the project's migrations that a test may add to (numbered from NEXT) or edit."""
    directory = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, directory)
    return directory


def write(directory: Path, name: str, up: str, down: str = "", *, marker: str = "") -> Path:
    path = directory / name
    path.write_text(f"{marker}\n-- migrate:up\n{up}\n-- migrate:down\n{down}\n")
    return path


def test_up_applies_every_file_in_order_and_status_reports_them(database: Database) -> None:
    summary = Migrator(database).up()
    assert summary["applied_now"] == PROJECT
    assert summary["current"] == LAST
    assert summary["pending"] == []
    assert {"vehicles", "vehicle_count", "schema_migrations"} <= tables(database)
    status = Migrator(database).status()
    assert [a["version"] for a in status["applied"]] == [name[:4] for name in PROJECT]
    assert all(a["applied_at"] for a in status["applied"])


def test_a_second_up_applies_nothing(database: Database) -> None:
    Migrator(database).up()
    assert Migrator(database).up()["applied_now"] == []


def test_up_to_a_target_stops_there_and_down_to_a_target_reverts_above_it(
    database: Database,
    migrations_dir: Path,
) -> None:
    assert Migrator(database).up("0001")["pending"] == PROJECT[1:]
    Migrator(database).up()
    summary = Migrator(database).down(target="0001")
    assert summary["reverted_now"] == PROJECT[1:][::-1]
    assert summary["current"] == "0001"
    assert "vehicle_count" not in tables(database)
    assert "vehicles" in tables(database)


def test_down_reverts_one_step_by_default_and_all_the_way_with_target_zero(
    database: Database,
    migrations_dir: Path,
) -> None:
    Migrator(database).up()
    assert Migrator(database).down()["reverted_now"] == PROJECT[-1:]
    assert Migrator(database).down(target="0")["reverted_now"] == PROJECT[:-1][::-1]
    assert {"vehicles", "vehicle_count"}.isdisjoint(tables(database))
    assert Migrator(database, migrations_dir).status()["current"] is None


def test_an_edited_applied_file_stops_every_run(database: Database, migrations_dir: Path) -> None:
    Migrator(database, migrations_dir).up()
    first = migrations_dir / "0001_create_vehicles.sql"
    first.write_text(first.read_text().replace("make        text", "make text"))
    write(migrations_dir, f"{NEXT}_add_color.sql", "ALTER TABLE vehicles ADD COLUMN color text;")
    with pytest.raises(MigrationError, match=r"0001_create_vehicles\.sql was edited"):
        Migrator(database, migrations_dir).up()
    assert Migrator(database, migrations_dir).status()["pending"] == [f"{NEXT}_add_color.sql"]


def test_a_failing_migration_leaves_nothing_behind(
    database: Database, migrations_dir: Path
) -> None:
    write(
        migrations_dir,
        f"{NEXT}_broken.sql",
        "CREATE TABLE half_done (id int);\nINSERT INTO vehicle_count VALUES (false, 1);",
    )
    with pytest.raises(MigrationError, match=rf"{NEXT}_broken\.sql failed"):
        Migrator(database, migrations_dir).up()
    assert "half_done" not in tables(database)
    summary = Migrator(database, migrations_dir).status()
    assert summary["current"] == LAST
    assert summary["pending"] == [f"{NEXT}_broken.sql"]


def test_a_no_transaction_migration_can_create_an_index_concurrently(
    database: Database, migrations_dir: Path
) -> None:
    write(
        migrations_dir,
        f"{NEXT}_make_index.sql",
        "CREATE INDEX CONCURRENTLY vehicles_make ON vehicles (make);\n"
        "CREATE INDEX CONCURRENTLY vehicles_model ON vehicles (model);",
        "DROP INDEX CONCURRENTLY vehicles_make;",
        marker="-- migrate:no-transaction",
    )
    assert Migrator(database, migrations_dir).up()["current"] == NEXT
    indexes = database.fetch_one(
        "SELECT array_agg(indexname::text ORDER BY indexname) FROM pg_indexes "
        "WHERE indexname IN ('vehicles_make', 'vehicles_model')",
        retry=True,
    )
    assert indexes == (["vehicles_make", "vehicles_model"],)


def test_a_no_transaction_migration_is_not_cut_short_by_a_session_timeout(
    empty_database_url: str, migrations_dir: Path
) -> None:
    # Direct connections with prepared statements carry the statement timeout on the session.
    db = Database(
        Settings(
            database_url=empty_database_url,
            db_prepared_statements=True,
            db_statement_timeout_ms=50,
        )
    )
    write(
        migrations_dir,
        f"{NEXT}_slow_index.sql",
        "SELECT pg_sleep(0.2);\nCREATE INDEX CONCURRENTLY vehicles_make ON vehicles (make);",
        "DROP INDEX vehicles_make;",
        marker="-- migrate:no-transaction",
    )
    assert Migrator(db, migrations_dir).up()["current"] == NEXT
    assert db.connection().execute("SHOW statement_timeout").fetchone() == ("50ms",)
    db.close()


def test_two_concurrent_runs_apply_each_file_exactly_once(
    target_url: str, migrations_dir: Path
) -> None:
    write(migrations_dir, f"{NEXT}_slow.sql", "SELECT pg_sleep(0.3);\nCREATE TABLE slow (id int);")
    results: list[dict[str, Any]] = []
    errors: list[BaseException] = []

    def run() -> None:
        db = Database(Settings(database_url=target_url))
        try:
            results.append(Migrator(db, migrations_dir).up())
        except BaseException as err:  # noqa: BLE001 - reported by the main thread
            errors.append(err)
        finally:
            db.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    applied = sorted(name for result in results for name in result["applied_now"])
    assert applied == sorted(m.file_name for m in load(migrations_dir))


def test_a_run_waits_for_a_live_lease_and_takes_over_an_expired_one(
    database: Database, migrations_dir: Path
) -> None:
    Migrator(database, migrations_dir).status()
    with database.transaction() as conn:
        conn.execute(
            "INSERT INTO schema_migrations_lock (holder, expires_at) "
            "VALUES ('other deploy', now() + interval '1 hour')"
        )
    with pytest.raises(MigrationError, match="holds the lock"):
        Migrator(database, migrations_dir, wait_seconds=0.3).up()
    with database.transaction() as conn:
        conn.execute("UPDATE schema_migrations_lock SET expires_at = now() - interval '1 second'")
    assert Migrator(database, wait_seconds=0.3).up()["current"] == LAST
    assert database.fetch_one("SELECT count(*) FROM schema_migrations_lock", retry=True) == (0,)


def test_an_applied_migration_without_its_file_is_reported(
    database: Database, migrations_dir: Path
) -> None:
    Migrator(database, migrations_dir).up()
    (migrations_dir / "0002_vehicle_count.sql").unlink()
    with pytest.raises(MigrationError, match="0002_vehicle_count is applied but has no file"):
        Migrator(database, migrations_dir).up()


def test_create_writes_the_next_numbered_file_from_a_name(migrations_dir: Path) -> None:
    path = create("Add colour & trim!", migrations_dir)
    assert path.name == f"{NEXT}_add_colour_trim.sql"
    assert "-- migrate:up" in path.read_text()
    with pytest.raises(
        MigrationError, match=rf"{NEXT}_add_colour_trim\.sql: the up section is empty"
    ):
        load(migrations_dir)  # an unfilled template is never applied by accident
    path.write_text(path.read_text().replace("-- migrate:up\n", "-- migrate:up\nSELECT 1;\n"))
    assert [m.version for m in load(migrations_dir)][-1] == NEXT


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("SELECT 1; SELECT 2;", ["SELECT 1", "SELECT 2"]),
        ("SELECT 'a;b'; SELECT 2", ["SELECT 'a;b'", "SELECT 2"]),
        ("DO $$ BEGIN PERFORM 1; END $$; SELECT 2", ["DO $$ BEGIN PERFORM 1; END $$", "SELECT 2"]),
        (
            "-- a; comment\nSELECT 1; /* x; y */ SELECT 2",
            ["-- a; comment\nSELECT 1", "/* x; y */ SELECT 2"],
        ),
        ("SELECT 1;\n-- trailing comment\n", ["SELECT 1"]),
    ],
    ids=["plain", "quoted-semicolon", "dollar-quoted", "comments", "trailing-comment"],
)
def test_no_transaction_files_are_split_on_semicolons_outside_quotes_and_comments(
    sql: str, expected: list[str]
) -> None:
    assert split_statements(sql) == expected


def test_the_migrate_function_applies_reports_and_reverts(
    app_env: pytest.MonkeyPatch, empty_database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    app_env.setenv("DATABASE_URL", empty_database_url)
    up = migrate_function.handler({}, None)
    assert up["applied_now"] == PROJECT
    applied = f'"MigrationsApplied":[{float(len(PROJECT))}]'
    assert applied in capsys.readouterr().out.replace(" ", "")
    assert migrate_function.handler({"action": "status"}, None)["current"] == LAST
    down = migrate_function.handler({"action": "down", "steps": 1}, None)
    assert down["reverted_now"] == PROJECT[-1:]
    assert down["pending"] == PROJECT[-1:]


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ({"action": "sideways"}, "action must be one of"),
        ({"action": "down", "target": "0001", "steps": 1}, "either a target or a number of steps"),
        ({"action": "up", "target": "0099"}, "no migration file has version 0099"),
        ({"action": "up", "force": True}, "unknown keys"),
    ],
    ids=["unknown-action", "target-and-steps", "unknown-target", "unknown-key"],
)
def test_the_migrate_function_fails_loudly_on_a_bad_event(
    app_env: pytest.MonkeyPatch, event: dict[str, Any], message: str
) -> None:
    with pytest.raises(MigrationError, match=message):
        migrate_function.handler(event, None)
