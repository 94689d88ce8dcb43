"""No secret in any log: every form of DATABASE_URL psycopg accepts (URL, password in the query,
libpq key=value with quoted values, JDBC) is masked in errors, logs and command output."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from functions import list_vehicles
from shared.data import urls
from shared.data.database import Database
from shared.errors import ConfigurationError, DatabaseUnavailableError
from shared.ops import logs, redact
from shared.ops.settings import Settings
from tests.fixtures.events import http_api_event, invoke

PROJECT = Path(__file__).resolve().parent.parent
PASSWORD = "Sup3r-s3cret"
QUOTED = "it's a s3cret"  # needs quoting in key=value form: a blank and a quote


def free_port() -> int:
    """A local port nobody listens on: connections are refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


FORMS: dict[str, Callable[[int], tuple[str, str]]] = {
    "url-userinfo": lambda port: (f"postgresql://app:{PASSWORD}@127.0.0.1:{port}/app", PASSWORD),
    "url-query": lambda port: (
        f"postgresql://app@127.0.0.1:{port}/app?password={PASSWORD}&sslmode=disable",
        PASSWORD,
    ),
    "key-value": lambda port: (
        f"host=127.0.0.1 port={port} user=app password={PASSWORD} dbname=app",
        PASSWORD,
    ),
    "key-value-quoted": lambda port: (
        f"host=127.0.0.1 port={port} user=app password = 'it\\'s a s3cret' dbname=app",
        QUOTED,
    ),
    "jdbc": lambda port: (
        f"jdbc:postgresql://127.0.0.1:{port}/app?user=app&password={PASSWORD}",
        PASSWORD,
    ),
}


@pytest.fixture(params=sorted(FORMS))
def failing(request: pytest.FixtureRequest) -> tuple[str, str]:
    """(a DATABASE_URL in one form pointing where nobody listens, its password)."""
    return FORMS[str(request.param)](free_port())


def leaked_pieces(password: str) -> list[str]:
    """The password, and the longest word of it (a quoted one could leak piece by piece)."""
    return [password, max(password.split(), key=len)]


def assert_hidden(text: str, password: str) -> None:
    for piece in leaked_pieces(password):
        assert piece not in text, text


def test_the_password_of_every_form_is_read(failing: tuple[str, str]) -> None:
    url, password = failing
    assert redact.password_of(url) == password
    assert_hidden(redact.mask(url), password)


def test_a_failed_connection_in_every_form_names_the_host_and_hides_the_password(
    failing: tuple[str, str],
) -> None:
    url, password = failing
    db = Database(Settings(database_url=url))
    with pytest.raises(DatabaseUnavailableError) as raised:
        db.fetch_one("SELECT 1", retry=True)
    assert "127.0.0.1" in str(raised.value)
    assert "Connection refused" in str(raised.value)
    assert_hidden(str(raised.value), password)


def test_the_api_logs_of_a_failed_connection_in_every_form_hide_the_password(
    app_env: pytest.MonkeyPatch, failing: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    url, password = failing
    app_env.setenv("DATABASE_URL", url)
    logs.reset()
    reply = invoke(list_vehicles.handler, http_api_event("GET", "/api/vehicles"))
    assert reply.status == 503
    out = capsys.readouterr()
    assert "database unavailable" in out.out
    assert_hidden(out.out + out.err, password)


def test_the_command_line_in_every_form_prints_one_line_without_the_password(
    failing: tuple[str, str],
) -> None:
    url, password = failing
    env = {**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "DEBUG"}  # the traceback too
    result = subprocess.run(
        [sys.executable, "-m", "shared.migrations", "status"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1].startswith("migrate: connection failed")
    assert_hidden(result.stdout + result.stderr, password)


@pytest.mark.parametrize(
    "bad",
    [
        f"host=127.0.0.1 password={PASSWORD} nonsense",
        f"mysql://app:{PASSWORD}@db.example.com/app",
        f"host=127.0.0.1 password={PASSWORD} colour=blue",
    ],
    ids=["key-value-syntax", "unknown-scheme", "unknown-keyword"],
)
def test_a_malformed_setting_is_refused_without_the_password(bad: str) -> None:
    db = Database(Settings(database_url=bad))
    with pytest.raises(ConfigurationError, match="DATABASE_URL") as raised:
        db.fetch_one("SELECT 1", retry=True)
    assert PASSWORD not in str(raised.value)


@pytest.mark.parametrize(
    ("message", "masked"),
    [
        ("failed: postgresql://u:pw-1@h/db", "failed: postgresql://u:***@h/db"),
        ("dsn 'host=h password=pw-1 port=5'", "dsn 'host=h password=*** port=5'"),
        ("dsn host=h password='a b' port=5", "dsn host=h password=*** port=5"),
        (
            "url=jdbc:postgresql://h/db?user=u&password=pw-1&ssl=true",
            "url=jdbc:postgresql://h/db?user=u&password=***&ssl=true",
        ),
        (
            '{"message": "PASSWORD=pw-1", "level": "ERROR"}',
            '{"message": "PASSWORD=***", "level": "ERROR"}',
        ),
    ],
    ids=["url", "key-value", "quoted", "jdbc", "json-line"],
)
def test_any_password_anywhere_in_a_message_is_masked(message: str, masked: str) -> None:
    assert redact.mask(message) == masked


def test_a_log_line_quoting_another_database_url_is_masked(
    capsys: pytest.CaptureFixture[str],
) -> None:
    logs.reset()
    logs.logger()
    logging.getLogger("shared.test").error("replica at postgresql://r:%s@replica/db", PASSWORD)
    out = capsys.readouterr().out
    assert "postgresql://r:***@replica/db" in out
    assert PASSWORD not in out


def test_key_value_strings_are_passed_to_libpq_as_they_are() -> None:
    conninfo = "host=/tmp dbname=app password='it\\'s'"
    assert urls.normalize(conninfo) == conninfo
