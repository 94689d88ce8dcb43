"""`make bench`: every figure as a median with min-max, against a floor measured in the same run.

`python -m bench [--quick] [--only cold,warm,trips,seed,scale,search,package,limited]`;
`limited` runs cold and warm again with the process held to a third of one core (Lambda at
512 MB). Uses BENCH_DATABASE_URL if set, else a fresh embedded PostgreSQL under .pgdata/bench,
removed at the end. The handlers' log lines go to /dev/null (written, as Lambda writes them,
but not shown); the table is printed and written to bench/results/latest.md. Exits 1 if a
target is missed.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from psycopg import sql

from bench import cold, cpu_limit, package, scale, search, seeding, trips, warm
from bench.stats import Row, Sample, render
from shared.data.database import Database
from shared.dev import postgres
from shared.migrations.runner import Migrator
from shared.ops.settings import Settings
from shared.runtime import get_database

RESULTS = Path(__file__).resolve().parent / "results" / "latest.md"
PARTS = ("cold", "warm", "trips", "seed", "scale", "search", "package", "limited")
LIMITED_SHARE = 1 / 3  # of one core: what a 512 MB Lambda function gets
LIMITED = "[1/3 core] "
# The largest seed that fits the time budget. Since the search document and its GIN index
# (0006-0007) a generated row costs about 1.5-1.9 ms of PostgreSQL in a load, ours or the raw
# COPY's: 100,000 rows (0.3 GB) is about three minutes a load, four loads, and the snapshot's
# 50,000 three loads a round (the floor, the previous feed, the sync). 200,000 and 100,000, the
# sizes before, would take the seed part alone to about 40 minutes.
SEED_SIZES = (10_000, 100_000)
SNAPSHOT_SIZES = (10_000, 50_000)
SEED_QUICK = (2_000, 10_000)


@contextmanager
def _database() -> Iterator[str]:
    """A new database for this run (a million rows by the end), dropped afterwards."""
    url = os.environ.get("BENCH_DATABASE_URL")
    admin = url or str(postgres.server("bench", keep_running=False).get_uri())
    name = f"bench_{uuid.uuid4().hex[:8]}"
    postgres.ensure_database(admin, name)
    try:
        yield postgres.url_for(admin, name)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
            conn.execute(drop.format(sql.Identifier(name)))
        if not url:  # our own server: its WAL from a million-row fill is a gigabyte; remove it all
            postgres.stop("bench")
            shutil.rmtree(postgres.DATA_ROOT / "bench", ignore_errors=True)


def _machine() -> str:
    cores = os.cpu_count()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    python = platform.python_version()
    return f"{platform.node()} ({platform.machine()}, {cores} cores, load {load}), Python {python}"


def _run(url: str, parts: set[str], *, quick: bool) -> list[Row]:
    os.environ["DATABASE_URL"] = url  # read once by the handlers' settings, as in a container
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    db = Database(Settings(database_url=url))
    Migrator(db).up()
    rows: list[Row] = []
    if "cold" in parts:
        rows += cold.rows(url, runs=5 if quick else 11)
    if "warm" in parts:
        rows += warm.rows(url, calls=300 if quick else 1000)
    if "trips" in parts:
        rows += trips.rows()
    if "seed" in parts:
        rows += seeding.rows(db, url, sizes=SEED_QUICK if quick else SEED_SIZES, repeats=2)
        snapshot_sizes = SEED_QUICK if quick else SNAPSHOT_SIZES
        rows += seeding.snapshot_rows(db, url, sizes=snapshot_sizes, repeats=1 if quick else 3)
    if "scale" in parts:
        rows += scale.rows(db, vehicles=100_000 if quick else 1_000_000)
    if "search" in parts:
        rows += search.rows(db, url, vehicles=100_000 if quick else 1_000_000)
    if "package" in parts:
        rows += package.rows()
    if "limited" in parts:
        rows += _limited(url, quick=quick)
    db.close()
    get_database().close()  # the handlers' connection, before the database is dropped
    return rows


def _limited(url: str, *, quick: bool) -> list[Row]:
    """Cold and warm again, this process (and what it spawns) held to a third of one core."""
    try:
        with cpu_limit.limited(LIMITED_SHARE) as how:
            result = [Row(f"{LIMITED}CPU quota: {how}", Sample((LIMITED_SHARE,), "core"))]
            result += cold.rows(url, runs=3 if quick else 5, label=LIMITED)
            result += warm.rows(url, calls=150 if quick else 400, repeats=5, label=LIMITED)
    except cpu_limit.QuotaUnavailableError as err:
        return [Row(f"{LIMITED}not run: {err}", Sample((0.0,), "core"))]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a first look")
    parser.add_argument("--only", default=",".join(PARTS), help="comma-separated parts to run")
    args = parser.parse_args()
    parts = set(args.only.split(","))
    started = time.perf_counter()
    unknown = parts - set(PARTS)
    if unknown:
        parser.error(f"unknown parts: {', '.join(sorted(unknown))}")
    # Lambda writes every access line to stdout; so do the handlers here, but not to the terminal.
    with _database() as url, open(os.devnull, "w") as quiet, redirect_stdout(quiet):
        rows = _run(url, parts, quick=args.quick)
    table = render(rows)
    header = (
        f"Benchmarks of {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {_machine()}; "
        f"{time.perf_counter() - started:.0f} s{' (--quick)' if args.quick else ''}"
    )
    print(f"\n{header}\n\n{table}")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(f"{header}\n\n{table}\n")
    print(f"\nwritten to {RESULTS}")
    failed = [row.figure for row in rows if row.passed is False]
    if failed:
        print(f"\n{len(failed)} target(s) missed: " + "; ".join(failed), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
