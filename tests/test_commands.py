"""What a new user meets on the command line: a file of one's own is seeded whole, every command
fails with one line and a hint (the traceback only with LOG_LEVEL=DEBUG), and the embedded
PostgreSQL a one-off command started is stopped when it ends."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg
import pytest

from functions.seed import handler as seed_handler
from shared.dev import postgres
from shared.errors import SeedError
from shared.seed.commands import main as seed_main
from shared.seed.sources import SAMPLE as SAMPLE_CSV
from tests.fixtures.api import unreachable_database_url

PROJECT = Path(__file__).resolve().parent.parent


def sample_rows() -> int:
    with SAMPLE_CSV.open(encoding="utf-8-sig", newline="") as handle:
        return sum(1 for _ in csv.DictReader(handle))


def run_module(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "LOG_"))}
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        env={**base, **env},
        check=False,
    )


@pytest.fixture
def empty_table(app_env: pytest.MonkeyPatch, database_url: str) -> str:
    with psycopg.connect(database_url) as conn:
        conn.execute("TRUNCATE vehicles")
    return database_url


def test_a_csv_path_without_a_limit_is_imported_whole(
    empty_table: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert sample_rows() > 5
    seed_main(["--csv-path", str(SAMPLE_CSV)])
    summary = json.loads(capsys.readouterr().out)
    assert (summary["limit"], summary["inserted"]) == (-1, sample_rows())


def test_the_bundled_sample_keeps_its_default_of_five_rows(
    empty_table: str, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_main([])
    assert json.loads(capsys.readouterr().out)["inserted"] == 5


def test_the_seed_help_says_what_the_default_limit_is(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        seed_main(["--help"])
    assert "every row of a --csv-path file, 5 of the bundled sample" in " ".join(
        capsys.readouterr().out.split()
    )


def test_seeding_an_unmigrated_database_prints_one_line_saying_to_migrate(
    empty_database_url: str,
) -> None:
    result = run_module("shared.seed", DATABASE_URL=empty_database_url)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        'seed: relation "vehicles" does not exist '
        "(hint: the schema is missing or behind: run `make migrate` first)"
    ]
    debug = run_module("shared.seed", DATABASE_URL=empty_database_url, LOG_LEVEL="DEBUG")
    assert "Traceback (most recent call last)" in debug.stderr
    assert debug.stderr.splitlines()[-1] == result.stderr.strip()


@pytest.mark.parametrize(
    ("module", "env", "line"),
    [
        (
            ("shared.migrations", "status"),
            {"DB_CONNECT_TIMEOUT": "five"},
            "migrate: DB_CONNECT_TIMEOUT must be a whole number, got 'five'",
        ),
        (
            ("shared.seed", "--limit", "3"),
            {"DATABASE_URL": "mysql://app@db.example.com/app"},
            "seed: DATABASE_URL must start with postgresql:// or postgres://, "
            "got 'mysql://app@db.example.com/app'",
        ),
    ],
    ids=["migrate-bad-setting", "seed-bad-url"],
)
def test_a_configuration_error_is_one_line_and_exit_status_1(
    module: tuple[str, ...], env: dict[str, str], line: str
) -> None:
    result = run_module(*module, **env)
    assert (result.returncode, result.stderr.splitlines()) == (1, [line])


def test_an_unreachable_database_names_the_host_and_the_setting() -> None:
    url = unreachable_database_url()
    port = urlsplit(url).port
    result = run_module("shared.migrations", "up", DATABASE_URL=url)
    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert f"no database answers at 127.0.0.1:{port}" in line
    assert "DATABASE_URL may be wrong" in line


@pytest.fixture
def server_name() -> Iterator[str]:
    """An embedded server of its own under .pgdata/, stopped and removed afterwards."""
    name = f"cmd-{uuid.uuid4().hex[:8]}"
    yield name
    postgres.stop(name)
    shutil.rmtree(postgres.DATA_ROOT / name, ignore_errors=True)


def command(name: str) -> subprocess.CompletedProcess[str]:
    """A one-off command's use of the embedded server, in a process of its own."""
    code = f"from shared.dev import postgres; postgres.command_database_url(name={name!r})"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT, capture_output=True, text=True, check=True
    )


def test_a_one_off_command_stops_the_embedded_server_it_started_and_no_other(
    server_name: str,
) -> None:
    assert not postgres.running(server_name)
    command(server_name)
    assert not postgres.running(server_name)  # it started the server: it stopped it
    code = f"from shared.dev import postgres; postgres.database_url(name={server_name!r})"
    subprocess.run([sys.executable, "-c", code], cwd=PROJECT, check=True)  # as `make dev` does
    assert postgres.running(server_name)
    command(server_name)
    assert postgres.running(server_name)  # it found the server running: it left it running


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ({"csv_path": 5}, "csv_path must be a file path or s3://bucket/key"),
        ({"csv_path": "   "}, "csv_path must be a file path or s3://bucket/key"),
        ({"limit": None}, "limit must be a whole number of rows, or -1 for all, got None"),
        ({"limit": 2.5}, "limit must be a whole number of rows, or -1 for all, got 2.5"),
        ({"dry_run": 1}, "dry_run must be true or false"),
        ({"limt": 5, "csv": "x"}, "unknown keys in the seed event: csv, limt"),
        ("lot.csv", "the seed event is not valid"),
    ],
    ids=[
        "path-number",
        "path-blank",
        "limit-null",
        "limit-fraction",
        "dry-run-number",
        "two-unknown",
        "not-object",
    ],
)
def test_a_malformed_seed_event_fails_with_one_line_naming_the_field(
    event: Any, message: str
) -> None:
    with pytest.raises(SeedError, match=re.escape(message)) as raised:
        seed_handler(event, None)
    assert "\n" not in str(raised.value)
