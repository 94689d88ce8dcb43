"""The seed command, for the Lambda and the command line: import a dealer CSV export.

Lambda event (every key optional): `{"limit": 5, "csv_path": "s3://bucket/key" | "path",
"dry_run": false, "mode": "default" | "snapshot", "dealers": ["Acme Motors"], "key": "3"}`.
Command line: `python -m shared.seed --limit 10`, `--limit -1` for every row, `--csv-path
path/or/s3://bucket/key` (the whole file unless `--limit` is given), `--dry-run`, `--mode
snapshot`, `--dealer NAME` (repeatable), `--key ID_OR_PREFIX`. Without a path the bundled sample
is read (5 rows unless `--limit` is given). The default mode inserts new VINs and skips stored
ones; snapshot mode syncs the file's dealers to it (`shared.seed.snapshot`) and reads the whole
file. `dealers` and `key` (an API key's id or the prefix `keys list` shows) limit a snapshot to
those dealers, or that key's (`shared.seed.dealer_scope`).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr, field_validator

from shared.data.database import Database
from shared.errors import SeedError
from shared.ops import cli, events, telemetry
from shared.ops.settings import get_settings
from shared.runtime import get_database, local_database
from shared.seed import sources
from shared.seed.export import read_records
from shared.seed.loader import Report, seed
from shared.seed.snapshot import sync

DEFAULT_LIMIT = 5
ALL_ROWS = -1
MODES = ("default", "snapshot")


class SeedEvent(BaseModel):
    """The seed function's event; every key optional, no other key allowed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    limit: Annotated[StrictInt, Field(ge=ALL_ROWS)] = DEFAULT_LIMIT  # snapshot mode: all
    csv_path: StrictStr | None = None
    dry_run: StrictBool = False
    mode: Literal["default", "snapshot"] = "default"
    dealers: Annotated[list[StrictStr], Field(min_length=1)] | None = None
    key: StrictStr | None = None

    @field_validator("dealers")
    @classmethod
    def _named(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and not all(name.strip() for name in value):
            raise ValueError("blank")
        return value

    @field_validator("csv_path", "key")
    @classmethod
    def _not_blank(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("blank")
        return value


_MESSAGES = {
    "limit": "limit must be a whole number of rows, or -1 for all, got {value!r}",
    "csv_path": "csv_path must be a file path or s3://bucket/key",
    "dry_run": "dry_run must be true or false",
    "mode": "mode must be one of default, snapshot, got {value!r}",
    "dealers": "dealers must be a list of dealer names, got {value!r}",
    "key": "key must be an API key's id or the prefix `keys list` shows",
}


def run(event: Mapping[str, Any], db: Database | None = None) -> dict[str, Any]:
    """Carry out one seed event and return its JSON-ready summary; failures raise."""
    parsed = events.parse(SeedEvent, event, name="seed", messages=_MESSAGES, error=SeedError)
    location, dry_run, mode = parsed.csv_path, parsed.dry_run, parsed.mode
    snapshot = mode == "snapshot"
    given = "limit" in parsed.model_fields_set
    limit = parsed.limit if given or not snapshot else ALL_ROWS
    if snapshot and limit != ALL_ROWS:
        # Part of a snapshot would retire every vehicle after the limit.
        raise SeedError("snapshot mode reads the whole file: leave limit out or give -1")
    scoped = parsed.dealers is not None or parsed.key is not None
    if scoped and not snapshot:
        raise SeedError("dealers and key limit a snapshot sync: give mode snapshot")
    report = Report(source=sources.describe(location), dry_run=dry_run, limit=limit, mode=mode)
    in_lambda = get_settings().lambda_function_name is not None
    with sources.open_source(location, packaged_only=in_lambda) as stream:
        # The header is checked here, before any connection or transaction is opened.
        records = read_records(stream)
        database = None if dry_run else (db or get_database())
        if snapshot and database is not None:
            sync(
                records=records,
                fields=records.fields,
                report=report,
                db=database,
                dealers=None if parsed.dealers is None else tuple(parsed.dealers),
                key=parsed.key,
            )
        else:
            seed(records=records, report=report, db=database)
        encoding = sources.encoding(stream)
    telemetry.count("RowsInserted", report.inserted)
    telemetry.count("RowsSkipped", (report.skipped_existing or 0) + report.duplicate_count)
    telemetry.count("RowsInvalid", report.invalid_count)
    summary = report.as_dict()
    return {"source": summary.pop("source"), "encoding": encoding, **summary}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m shared.seed", description=__doc__)
    parser.add_argument(
        "--limit",
        type=int,
        help="data rows to read from the top of the file, -1 for all (default: every row of a "
        f"--csv-path file, {DEFAULT_LIMIT} of the bundled sample; snapshot mode: all)",
    )
    parser.add_argument(
        "--mode",
        choices=MODES,
        default="default",
        help="default: insert new VINs, skip stored ones; snapshot: sync the file's dealers",
    )
    parser.add_argument("--csv-path", help="a CSV file or s3://bucket/key (default: the sample)")
    parser.add_argument("--dry-run", action="store_true", help="validate and report, write nothing")
    parser.add_argument(
        "--dealer",
        action="append",
        dest="dealers",
        help="snapshot mode: sync only this dealer's vehicles (repeat for more)",
    )
    parser.add_argument(
        "--key", help="snapshot mode: sync only the dealers of this API key (id or prefix)"
    )
    args = parser.parse_args(argv)
    if args.limit is not None and args.limit < ALL_ROWS:
        parser.error(f"--limit must be -1 (all rows) or more, got {args.limit}")
    if args.limit is None and args.csv_path is not None and args.mode != "snapshot":
        args.limit = ALL_ROWS  # a file of one's own is imported whole; the sample, 5 rows of it
    event = {
        "limit": args.limit,
        "csv_path": args.csv_path,
        "dry_run": args.dry_run,
        "mode": args.mode if args.mode != "default" else None,
        "dealers": args.dealers,
        "key": args.key,
    }
    with cli.reported("seed"):
        db = None if args.dry_run else local_database()
        summary = run({k: v for k, v in event.items() if v is not None}, db)
        print(json.dumps(summary, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
