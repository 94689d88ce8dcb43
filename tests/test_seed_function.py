"""The seed function end to end: Lambda handler, bundled sample, S3 (moto) and the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import psycopg
import pytest

from functions.seed import handler
from shared.data.vin import problem
from shared.errors import SeedError
from shared.ops.settings import get_settings
from shared.seed import sources
from shared.seed.commands import main

DATA = Path(__file__).parent / "data"
PROJECT = Path(__file__).parent.parent


def vins_in(database_url: str) -> set[str]:
    with psycopg.connect(database_url) as conn:
        return {vin for (vin,) in conn.execute("SELECT vin FROM vehicles")}


@pytest.fixture
def empty_table(database_url: str) -> str:
    with psycopg.connect(database_url) as conn:
        conn.execute("TRUNCATE vehicles")
    return database_url


def test_an_empty_event_seeds_five_vehicles_from_the_bundled_sample(
    app_env: pytest.MonkeyPatch, empty_table: str
) -> None:
    summary = handler({}, None)
    assert summary["source"] == "bundled sample"
    assert (summary["limit"], summary["rows_read"], summary["inserted"]) == (5, 5, 5)
    assert len(vins_in(empty_table)) == 5
    json.dumps(summary)


def emitted_metrics(stdout: str) -> dict[str, Any]:
    """The CloudWatch EMF metrics printed during an invocation, by name."""
    metrics: dict[str, Any] = {}
    for line in stdout.splitlines():
        if line.startswith("{") and "_aws" in (record := json.loads(line)):
            for metric in record["_aws"]["CloudWatchMetrics"][0]["Metrics"]:
                metrics[metric["Name"]] = record[metric["Name"]]
    return metrics


def test_a_seed_run_reports_its_row_counts_as_metrics(
    app_env: pytest.MonkeyPatch, empty_table: str, capsys: pytest.CaptureFixture[str]
) -> None:
    handler({"limit": 3}, None)
    handler({"limit": 4}, None)
    metrics = emitted_metrics(capsys.readouterr().out)
    # The second run finds the first three rows stored already.
    assert (metrics["RowsInserted"], metrics["RowsSkipped"], metrics["RowsInvalid"]) == (
        [1.0],
        [3.0],
        [0.0],
    )


def test_the_bundled_sample_is_realistic_and_entirely_valid() -> None:
    summary = handler({"limit": -1, "dry_run": True}, None)
    assert 25 <= summary["rows_read"] <= 50
    assert summary["invalid"]["count"] == 0
    assert summary["duplicates_in_file"]["count"] == 0
    with sources.open_source(None) as stream:
        text = stream.read()
    assert "“" in text
    assert ",,,\r\n" in text
    classics = [line for line in text.splitlines() if ",1967," in line or ",1957," in line]
    assert classics
    classic_vins = [line.split(",")[2] for line in classics]
    assert all(len(vin) < 17 and problem(vin) is None for vin in classic_vins)


def test_a_csv_in_s3_is_streamed_and_loaded(
    app_env: pytest.MonkeyPatch, empty_table: str, s3_bucket: str
) -> None:
    body = (DATA / "mixed.csv").read_bytes()
    sources.s3_client().put_object(Bucket=s3_bucket, Key="exports/mixed.csv", Body=body)
    summary = handler({"csv_path": f"s3://{s3_bucket}/exports/mixed.csv", "limit": -1}, None)
    assert (summary["inserted"], summary["invalid"]["count"]) == (5, 4)
    assert [row["line"] for row in summary["duplicates_in_file"]["rows"]] == [4, 13]
    assert len(vins_in(empty_table)) == 5


def test_an_s3_object_with_a_bom_and_crlf_reads_like_a_local_file(s3_bucket: str) -> None:
    body = (DATA / "bom_crlf.csv").read_bytes()
    sources.s3_client().put_object(Bucket=s3_bucket, Key="bom.csv", Body=body)
    summary = handler({"csv_path": f"s3://{s3_bucket}/bom.csv", "dry_run": True}, None)
    assert (summary["rows_read"], summary["valid"]) == (2, 2)


@pytest.mark.parametrize(
    ("location", "message"),
    [
        ("s3://dealer-exports/missing.csv", "cannot read s3://dealer-exports/missing.csv"),
        ("s3://dealer-exports", "s3://bucket/key"),
        ("tests/data/nothing-here.csv", "cannot open tests/data/nothing-here.csv"),
    ],
    ids=["missing-object", "no-key", "missing-file"],
)
def test_an_unreadable_source_is_a_clear_error(s3_bucket: str, location: str, message: str) -> None:
    with pytest.raises(SeedError, match=message):
        handler({"csv_path": location}, None)


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ({"limt": 5}, "unknown keys in the seed event: limt"),
        ({"limit": "5"}, "limit must be a whole number"),
        ({"limit": -2}, "limit must be a whole number"),
        ({"limit": True}, "limit must be a whole number"),
        ({"dry_run": "yes"}, "dry_run must be true or false"),
        ({"csv_path": ""}, "csv_path must be"),
    ],
    ids=[
        "unknown-key",
        "limit-text",
        "limit-below-minus-one",
        "limit-bool",
        "dry-run-text",
        "empty-path",
    ],
)
def test_a_malformed_event_fails_the_invocation(event: dict[str, Any], message: str) -> None:
    with pytest.raises(SeedError, match=message):
        handler(event, None)


def test_the_command_line_loads_a_file_and_prints_the_summary(
    app_env: pytest.MonkeyPatch, empty_table: str, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["--limit", "-1", "--csv-path", str(DATA / "classic.csv")])
    summary = json.loads(capsys.readouterr().out)
    assert summary["inserted"] == 2
    assert vins_in(empty_table) == {"7R02C179624", "VC57L141907"}


def test_the_command_line_exits_1_naming_a_missing_column(
    app_env: pytest.MonkeyPatch, empty_table: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--csv-path", str(DATA / "missing_column.csv")])
    assert exited.value.code == 1
    assert "no WebAdDescription column" in capsys.readouterr().err
    assert vins_in(empty_table) == set()


def test_python_dash_m_shared_seed_runs_a_dry_run_with_a_limit() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "shared.seed", "--limit", "10", "--dry-run"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONUTF8": "1"},
    )
    summary = json.loads(result.stdout)
    assert (summary["dry_run"], summary["limit"], summary["rows_read"]) == (True, 10, 10)


@pytest.mark.parametrize(
    "location",
    ["/proc/self/environ", "../../etc/passwd", "/etc/hostname"],
    ids=["proc", "dotdot", "abs"],
)
def test_in_lambda_a_local_path_outside_the_package_is_refused(
    app_env: pytest.MonkeyPatch, location: str
) -> None:
    app_env.setenv("AWS_LAMBDA_FUNCTION_NAME", "vehicle-inventory-dev-seed")
    get_settings.cache_clear()
    with pytest.raises(SeedError, match="a file packaged with the function"):
        handler({"csv_path": location, "dry_run": True}, None)


def test_in_lambda_a_file_packaged_with_the_function_can_be_named(
    app_env: pytest.MonkeyPatch,
) -> None:
    app_env.setenv("AWS_LAMBDA_FUNCTION_NAME", "vehicle-inventory-dev-seed")
    get_settings.cache_clear()
    summary = handler({"csv_path": "shared/seed/sample_inventory.csv", "dry_run": True}, None)
    assert summary["rows_read"] == 5
