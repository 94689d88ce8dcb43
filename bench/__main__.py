"""`make bench`: every figure as a median with min-max, against a floor measured in the same run.

`python -m bench [--quick] [--only cold,warm,trips,seed,scale,search,package]`. Uses
BENCH_DATABASE_URL if set, else a fresh database on the embedded PostgreSQL under .pgdata/bench.
The table is printed and written to bench/results/latest.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from psycopg import sql

from bench import cold, package, scale, search, seeding, trips, warm
from bench.stats import Row, render
from shared.data.database import Database
from shared.dev import postgres
from shared.migrations.runner import Migrator
from shared.ops.settings import Settings
from shared.runtime import get_database

RESULTS = Path(__file__).resolve().parent / "results" / "latest.md"
PARTS = ("cold", "warm", "trips", "seed", "scale", "search", "package")


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
        rows += warm.rows(url, calls=500 if quick else 2000)
    if "trips" in parts:
        rows += trips.rows()
    if "seed" in parts:
        rows += seeding.rows(db, url, sizes=(2_000, 10_000) if quick else (10_000, 100_000))
    if "scale" in parts:
        rows += scale.rows(db, vehicles=100_000 if quick else 1_000_000)
    if "search" in parts:
        rows += search.rows(db, url, vehicles=100_000 if quick else 1_000_000)
    if "package" in parts:
        rows += package.rows()
    db.close()
    get_database().close()  # the handlers' connection, before the database is dropped
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a first look")
    parser.add_argument("--only", default=",".join(PARTS), help="comma-separated parts to run")
    args = parser.parse_args()
    parts = set(args.only.split(","))
    started = time.perf_counter()
    with _database() as url:
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


if __name__ == "__main__":
    main()
