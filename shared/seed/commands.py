"""The seed command, for the Lambda and the command line: import a dealer CSV export.

Lambda event (every key optional): `{"limit": 5, "csv_path": "s3://bucket/key" | "path",
"dry_run": false, "mode": "default" | "snapshot"}`. Command line: `python -m shared.seed --limit
10`, `--limit -1` for every row, `--csv-path path/or/s3://bucket/key`, `--dry-run`, `--mode
snapshot`. Without a path the bundled sample is read. The default mode inserts new VINs and skips
stored ones; snapshot mode syncs the file's dealers to it (`shared.seed.snapshot`) and reads the
whole file (its limit is -1).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping
from typing import Any

from shared.data.database import Database
from shared.errors import AppError, SeedError
from shared.ops import telemetry
from shared.ops.settings import get_settings
from shared.runtime import get_database, local_database
from shared.seed import sources
from shared.seed.export import read_records
from shared.seed.loader import Report, seed
from shared.seed.snapshot import sync

DEFAULT_LIMIT = 5
ALL_ROWS = -1
MODES = ("default", "snapshot")


def run(event: Mapping[str, Any], db: Database | None = None) -> dict[str, Any]:
    """Carry out one seed event and return its JSON-ready summary; failures raise."""
    unknown = set(event) - {"limit", "csv_path", "dry_run", "mode"}
    if unknown:
        raise SeedError(f"unknown keys in the seed event: {', '.join(sorted(unknown))}")
    mode = event.get("mode", "default")
    if mode not in MODES:
        raise SeedError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    snapshot = mode == "snapshot"
    limit = event.get("limit", ALL_ROWS if snapshot else DEFAULT_LIMIT)
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < ALL_ROWS:
        raise SeedError(f"limit must be a whole number of rows, or -1 for all, got {limit!r}")
    if snapshot and limit != ALL_ROWS:
        # Part of a snapshot would retire every vehicle after the limit.
        raise SeedError("snapshot mode reads the whole file: leave limit out or give -1")
    location = event.get("csv_path")
    if location is not None and (not isinstance(location, str) or not location.strip()):
        raise SeedError("csv_path must be a file path or s3://bucket/key")
    dry_run = event.get("dry_run", False)
    if not isinstance(dry_run, bool):
        raise SeedError("dry_run must be true or false")
    report = Report(source=sources.describe(location), dry_run=dry_run, limit=limit, mode=mode)
    in_lambda = get_settings().lambda_function_name is not None
    with sources.open_source(location, packaged_only=in_lambda) as stream:
        # The header is checked here, before any connection or transaction is opened.
        records = read_records(stream)
        database = None if dry_run else (db or get_database())
        if snapshot and database is not None:
            sync(records=records, fields=records.fields, report=report, db=database)
        else:
            seed(records=records, report=report, db=database)
    telemetry.count("RowsInserted", report.inserted)
    telemetry.count("RowsSkipped", (report.skipped_existing or 0) + report.duplicate_count)
    telemetry.count("RowsInvalid", report.invalid_count)
    return report.as_dict()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m shared.seed", description=__doc__)
    parser.add_argument(
        "--limit",
        type=int,
        help=f"data rows to read from the top of the file, -1 for all (default {DEFAULT_LIMIT}; "
        "snapshot mode: all)",
    )
    parser.add_argument(
        "--mode",
        choices=MODES,
        default="default",
        help="default: insert new VINs, skip stored ones; snapshot: sync the file's dealers",
    )
    parser.add_argument("--csv-path", help="a CSV file or s3://bucket/key (default: the sample)")
    parser.add_argument("--dry-run", action="store_true", help="validate and report, write nothing")
    args = parser.parse_args(argv)
    if args.limit is not None and args.limit < ALL_ROWS:
        parser.error(f"--limit must be -1 (all rows) or more, got {args.limit}")
    event = {
        "limit": args.limit,
        "csv_path": args.csv_path,
        "dry_run": args.dry_run,
        "mode": args.mode if args.mode != "default" else None,
    }
    try:
        db = None if args.dry_run else local_database()
        summary = run({k: v for k, v in event.items() if v is not None}, db)
    except AppError as err:
        parser.exit(1, f"seed: {err}\n")
    print(json.dumps(summary, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
