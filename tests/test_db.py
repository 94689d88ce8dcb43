"""The shared database layer: lazy reuse, reconnects, retries, timeouts, URL forms, no leaks."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest

from shared.data import urls
from shared.data.database import Database
from shared.errors import ConfigurationError, DatabaseUnavailableError
from shared.ops import redact
from shared.ops.settings import Settings
from shared.runtime import get_database
from tests.fixtures.api import unreachable_database_url
from tests.fixtures.pooler import drop_client_connections

FUNCTIONS = Path(__file__).resolve().parent.parent / "functions"

SECRET = "s3cr3t-p@ss/word"


def terminate(db_url: str, application_name: str = "vehicle-inventory") -> None:
    """Kill, from another session, every server connection our code opened, and wait till gone."""
    with psycopg.connect(db_url, autocommit=True) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
            "WHERE application_name = %s AND datname = current_database() "
            "AND pid <> pg_backend_pid()",
            [application_name],
        )


@pytest.fixture
def routed(database_url: str, route_url: Callable[[str], str]) -> Iterator[Database]:
    db = Database(Settings(database_url=route_url(database_url)))
    yield db
    db.close()


def test_the_connection_is_opened_on_first_use_and_reused(routed: Database) -> None:
    assert routed.connects == 0
    assert routed.fetch_one("SELECT 1", retry=True) == (1,)
    assert routed.fetch_one("SELECT %(n)s::int + 1", {"n": 1}, retry=True) == (2,)
    assert routed.connects == 1


def test_a_connection_closed_while_idle_is_replaced_before_use(
    routed: Database, database_url: str, connection_route: str, request: pytest.FixtureRequest
) -> None:
    routed.fetch_one("SELECT 1", retry=False)
    if connection_route == "direct":  # the server ends the session
        terminate(database_url)
    else:  # the pooler drops its client, as Supavisor does with idle ones
        drop_client_connections(request.getfixturevalue("pgbouncer"), database_url)
    # A write is not retried, so this succeeding proves the dead connection was noticed before use.
    assert routed.fetch_one("SELECT 2", retry=False) == (2,)
    assert routed.connects == 2


@pytest.mark.parametrize(
    ("retry", "attempts"),
    [(True, 2), (False, 1)],
    ids=["read-retried-once", "write-never-retried"],
)
def test_a_statement_whose_connection_dies_mid_flight(
    db: Database, retry: bool, attempts: int
) -> None:
    with db.transaction() as conn:
        conn.execute("CREATE SEQUENCE IF NOT EXISTS attempts")
        conn.execute("SELECT setval('attempts', 1, false)")
    # nextval is not rolled back, so the sequence counts how often the statement ran.
    query = "SELECT nextval('attempts'), pg_terminate_backend(pg_backend_pid())"
    with pytest.raises(DatabaseUnavailableError):
        db.fetch_one(query, retry=retry)
    assert db.fetch_one("SELECT last_value FROM attempts", retry=False) == (attempts,)


def test_the_statement_timeout_applies_and_does_not_outlive_the_statement(
    database_url: str, route_url: Callable[[str], str]
) -> None:
    db = Database(Settings(database_url=route_url(database_url), db_statement_timeout_ms=50))
    with pytest.raises(DatabaseUnavailableError, match="statement timeout"):
        db.fetch_one("SELECT pg_sleep(2)", retry=True)
    assert db.connection().execute("SHOW statement_timeout").fetchone() == ("0",)
    assert db.connects == 1
    db.close()


def test_no_prepared_statement_is_left_on_the_server(routed: Database) -> None:
    for _ in range(10):
        routed.fetch_one("SELECT %(n)s::int", {"n": 1}, retry=True)
    assert routed.fetch_one("SELECT count(*) FROM pg_prepared_statements", retry=True) == (0,)


def test_prepared_statements_can_be_turned_on_for_direct_connections(database_url: str) -> None:
    db = Database(
        Settings(database_url=database_url, db_prepared_statements=True, db_statement_timeout_ms=70)
    )
    for _ in range(3):
        db.fetch_one("SELECT %(n)s::int", {"n": 1}, retry=True)
    assert db.fetch_one("SELECT count(*) FROM pg_prepared_statements", retry=True) != (0,)
    assert db.fetch_one("SHOW statement_timeout", retry=True) == ("70ms",)
    db.close()


def test_an_unreachable_database_is_a_domain_error_without_the_password() -> None:
    db = Database(Settings(database_url=unreachable_database_url(SECRET)))
    with pytest.raises(DatabaseUnavailableError) as raised:
        db.fetch_one("SELECT 1", retry=True)
    message = str(raised.value)
    assert "127.0.0.1" in message
    assert SECRET not in message
    assert quote(SECRET, safe="") not in message


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port that accepts TCP connections and never answers, like a black-holed pooler."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield sock.getsockname()[1]


def test_a_server_that_never_answers_fails_at_the_connect_timeout(silent_server: int) -> None:
    url = f"postgresql://app:pw@127.0.0.1:{silent_server}/app"
    db = Database(Settings(database_url=url, db_connect_timeout=1))
    outcome: list[BaseException] = []

    def connect() -> None:
        try:
            db.fetch_one("SELECT 1", retry=True)
        except BaseException as err:  # noqa: BLE001 - handed to the main thread
            outcome.append(err)

    worker = threading.Thread(target=connect, daemon=True)
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive(), "connect hung past its timeout"
    assert isinstance(outcome[0], DatabaseUnavailableError)


def test_every_function_imports_without_a_database_url() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "DB_"))}
    modules = ", ".join(f"functions.{path.stem}" for path in FUNCTIONS.glob("[a-z]*.py"))
    result = subprocess.run(
        [sys.executable, "-c", f"import {modules}; print('imported')"],
        capture_output=True,
        text=True,
        env=env,
        cwd=FUNCTIONS.parent,
        check=False,
    )
    assert result.stdout.strip() == "imported", result.stderr


def test_a_missing_database_url_is_a_clear_error_on_first_use() -> None:
    with pytest.raises(ConfigurationError, match="DATABASE_URL is required"):
        get_database().fetch_one("SELECT 1", retry=True)


@pytest.mark.parametrize(
    ("pasted", "expected"),
    [
        ("postgresql://u:p@h:6543/db", "postgresql://u:p@h:6543/db"),
        ("postgres://u:p@h:5432/db?sslmode=require", "postgresql://u:p@h:5432/db?sslmode=require"),
        ("postgresql+asyncpg://u:p@h/db?ssl=require", "postgresql://u:p@h/db?sslmode=require"),
        (
            "postgresql+asyncpg://u:p@h/db?prepared_statement_cache_size=0&sslmode=require",
            "postgresql://u:p@h/db?sslmode=require",
        ),
        ("postgresql+psycopg://u:p@h/db", "postgresql://u:p@h/db"),
    ],
    ids=["plain", "postgres-scheme", "asyncpg-ssl", "asyncpg-cache-param", "sqlalchemy-psycopg"],
)
def test_database_urls_are_accepted_as_users_paste_them(pasted: str, expected: str) -> None:
    assert urls.normalize(pasted) == expected


@pytest.mark.parametrize("scheme", ["postgres", "postgresql+asyncpg"])
def test_every_accepted_form_connects(database_url: str, scheme: str) -> None:
    url = database_url.replace("postgresql://", f"{scheme}://", 1)
    db = Database(Settings(database_url=url))
    assert db.fetch_one("SELECT 1", retry=True) == (1,)
    db.close()


def test_an_unknown_scheme_is_refused_with_the_password_masked() -> None:
    with pytest.raises(ConfigurationError) as raised:
        urls.normalize(f"mysql://u:{SECRET}@h/db")
    assert SECRET not in str(raised.value)
    assert "mysql://u:***@h/db" in str(raised.value)


@pytest.mark.parametrize(
    "password",
    ["p@ss/w:rd", "pa#ss?wo@rd", "caf\u00e9 p%40ss"],
    ids=["at-slash", "hash-query", "encoded"],
)
def test_a_password_pasted_unencoded_is_read_whole_and_never_shown(password: str) -> None:
    raw = f"postgresql://app:{password}@db.example.com:6543/postgres?sslmode=require"
    assert redact.mask(raw) == "postgresql://app:***@db.example.com:6543/postgres?sslmode=require"
    expected = password if "%40" not in password else password.replace("%40", "@")
    assert redact.password_of(raw) == expected
    assert urls.normalize(raw).startswith(f"postgresql://app:{quote(expected, safe='')}@db.")


def test_a_connection_error_with_an_unencoded_password_does_not_show_it() -> None:
    url = unreachable_database_url().replace(":s3cret@", ":p@ss/w#rd@")
    db = Database(Settings(database_url=url))
    with pytest.raises(DatabaseUnavailableError) as raised:
        db.fetch_one("SELECT 1", retry=True)
    assert "127.0.0.1" in str(raised.value)  # the host was read right, not cut at the raw @
    for piece in ("p@ss", "w#rd", "ss/w"):
        assert piece not in str(raised.value)


def test_mask_hides_raw_and_encoded_passwords() -> None:
    url = f"postgresql://u:{quote(SECRET, safe='')}@h/db"
    assert redact.mask(url) == "postgresql://u:***@h/db"
