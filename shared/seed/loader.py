"""The seed: validate export rows as `POST /api/vehicles` does, drop repeats, load with COPY.

Rows stream from the file through validation into `COPY` of a staging table; repeats of a VIN
in the file are found in SQL (the first valid row wins), so memory does not grow with the file.
Everything happens in one transaction: an error at any point leaves `vehicles` as it was.
Existing VINs are skipped, never overwritten. The columns follow the field declaration. The
search documents of new VINs are computed as the rows stream in (`shared.seed.documents`).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from shared.data.database import Database
from shared.data.fields import names
from shared.data.models import WRITABLE
from shared.data.vehicle_create import VehicleCreate
from shared.seed import documents
from shared.seed.copy_text import copy_line
from shared.seed.export import COLUMNS, Record

MAX_LISTED = 50  # rows listed per problem kind; counts are always exact
COPY_BATCH = 100  # rows per write to COPY: about 300 KB of a realistic export
Row = tuple[int, VehicleCreate]  # the line it starts on, and the vehicle
# Fields whose export cell is read by a parser of the declaration (`$34,499` -> 34499).
PARSERS = tuple((f.name, f.column.parse) for f in WRITABLE if f.column.parse)

# Why a staging table and not a COPY straight into `vehicles`: COPY has no ON CONFLICT, so one VIN
# that exists (or is inserted concurrently) would fail the whole load. `INSERT ... SELECT ... ON
# CONFLICT DO NOTHING` never overwrites, never fails on a concurrent insert, and its row count
# splits inserted from existing. On 100,000 rows (290 MB) the extra INSERT took 1.3-1.7 s of an
# 8 s seed (validation and reading the CSV dominate). The alternative, locking the table and
# COPYing each chunk's new VINs straight in, saved about as much but held 5,000 rows in memory
# and blocked every API write for the whole load.
CREATE_STAGING = f"""
CREATE TEMP TABLE seed_rows (
    line bigint, {", ".join(f"{f.name} {f.column.sql_type}" for f in WRITABLE)}
) ON COMMIT DROP
"""
COPY_STAGING = f"COPY seed_rows (line, {names(WRITABLE)}) FROM STDIN"
# The first row of each VIN, in file order, with its document if staged (`shared.seed.documents`);
# ON CONFLICT skips VINs already stored.
INSERT_NEW = """
INSERT INTO vehicles ({columns}{extra})
SELECT {columns}{extra} FROM seed_rows AS s
WHERE NOT EXISTS (SELECT FROM seed_rows AS d WHERE d.vin = s.vin AND d.line < s.line)
  {new_only}
ON CONFLICT (vin) DO NOTHING
"""
INDEX_STAGING = "CREATE INDEX ON seed_rows (vin, line)"
# Repeats of a VIN in the file: how many, and the first few (by line).
REPEATS = """
SELECT count(*) OVER (), line, vin
FROM (SELECT line, vin, row_number() OVER (PARTITION BY vin ORDER BY line) AS nth
      FROM seed_rows) AS numbered
WHERE nth > 1
ORDER BY line
LIMIT %(listed)s
"""


@dataclass
class Report:
    """What a seed run did; `as_dict()` is the JSON summary."""

    source: str
    dry_run: bool
    limit: int
    rows_read: int = 0
    valid: int = 0
    inserted: int = 0
    skipped_existing: int | None = None  # unknown in a dry run: the database is not asked
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    duplicate_count: int = 0
    invalid: list[dict[str, Any]] = field(default_factory=list)
    invalid_count: int = 0
    elapsed_seconds: float = 0.0
    mode: str = "default"
    # Snapshot mode only (see `shared.seed.snapshot`); None in a dry run.
    updated: int | None = None
    unchanged: int | None = None
    retired: int | None = None
    # A scoped snapshot only (`shared.seed.dealer_scope`): the dealers it may touch (comparable
    # form; None: the key given is unscoped) and the rows it refused.
    scoped: bool = False
    dealers: list[str] | None = None
    refused: list[dict[str, Any]] = field(default_factory=list)
    refused_count: int = 0

    def as_dict(self) -> dict[str, Any]:
        snapshot: dict[str, Any] = {
            "mode": self.mode,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "retired": self.retired,
        }
        if self.scoped:
            snapshot["dealers"] = self.dealers
            snapshot["refused"] = {"count": self.refused_count, "rows": self.refused}
        return {
            **(snapshot if self.mode == "snapshot" else {}),
            "source": self.source,
            "dry_run": self.dry_run,
            "limit": self.limit,
            "rows_read": self.rows_read,
            "valid": self.valid,
            "inserted": self.inserted,
            "skipped_existing": self.skipped_existing,
            "duplicates_in_file": {"count": self.duplicate_count, "rows": self.duplicates},
            "invalid": {"count": self.invalid_count, "rows": self.invalid},
            "elapsed_seconds": self.elapsed_seconds,
        }


def seed(
    *, records: Iterable[Record], report: Report, db: Database | None, timeout_ms: int = 0
) -> Report:
    """Load the first `report.limit` records (-1: all) into `vehicles`; `db=None` only validates.

    The first *valid* row of a VIN wins: an invalid row does not claim its VIN.
    """
    started = time.perf_counter()
    rows = records if report.limit < 0 else itertools.islice(records, report.limit)
    vehicles = validated(rows, report)
    if db is None:
        _count_repeats_in_memory(vehicles, report)
    else:
        with db.transaction(timeout_ms=timeout_ms) as conn, conn.cursor() as cur:
            cur.execute(CREATE_STAGING)
            staged = documents.stage(cur, "seed_rows")
            with cur.copy(COPY_STAGING) as copy:
                lines: list[str] = []
                for line, vehicle in vehicles:
                    lines.append(copy_line(line, vehicle))
                    if len(lines) == COPY_BATCH:
                        copy.write("".join(lines))
                        lines.clear()
                copy.write("".join(lines))
            cur.execute(INDEX_STAGING)
            cur.execute(
                INSERT_NEW.format(
                    columns=names(WRITABLE), extra=staged.columns, new_only=staged.new_only
                )
            )
            report.inserted = cur.rowcount
            repeats = cur.execute(REPEATS, {"listed": MAX_LISTED}).fetchall()
        report.duplicate_count = repeats[0][0] if repeats else 0
        report.duplicates = [{"line": line, "vin": vin} for _, line, vin in repeats]
        report.valid -= report.duplicate_count
        report.skipped_existing = report.valid - report.inserted
    report.elapsed_seconds = round(time.perf_counter() - started, 3)
    return report


def validated(
    records: Iterable[Record], report: Report, invalid: list[Record] | None = None
) -> Iterator[Row]:
    """The valid rows, counted in `report.valid`; invalid ones are reported, not yielded (and
    appended to `invalid` if given)."""
    for record in records:
        report.rows_read += 1
        values: dict[str, Any] = dict(record.fields)
        problems: list[tuple[str, str]] = []
        if record.problem is not None:  # its cells cannot be trusted: the row as a whole
            problems.append(("", record.problem))
        for name, parse in PARSERS if record.problem is None else ():
            if name in values:
                try:
                    values[name] = parse(values[name])
                except ValueError as err:
                    problems.append((name, str(err)))
                    del values[name]
        try:
            if record.problem is None:
                vehicle = VehicleCreate.model_validate(values)
        except ValidationError as err:
            problems += _problems(err)
        if problems:
            report.invalid_count += 1
            if len(report.invalid) < MAX_LISTED:
                report.invalid.append(_invalid_row(record, problems))
            if invalid is not None:
                invalid.append(record)
            continue
        report.valid += 1
        yield record.line, vehicle


def _invalid_row(record: Record, problems: list[tuple[str, str]]) -> dict[str, Any]:
    """How the report shows an invalid row: each problem by field and export column, and all of
    them in one line (`VIN: check digit ...; Price: not an amount: 'call'`)."""
    named = [
        {"field": name, "column": COLUMNS.get(name, name), "reason": why} for name, why in problems
    ]
    return {
        "line": record.line,
        "vin": record.fields.get("vin", "").strip()[:40],
        "reason": "; ".join(
            f"{p['column']}: {p['reason']}" if p["column"] else p["reason"] for p in named
        ),
        "problems": named,
    }


def _count_repeats_in_memory(vehicles: Iterator[Row], report: Report) -> None:
    """A dry run has no database to find repeats in: a set of VINs does (it grows with the file)."""
    seen: set[str] = set()
    for line, vehicle in vehicles:
        if vehicle.vin in seen:
            report.valid -= 1
            report.duplicate_count += 1
            if len(report.duplicates) < MAX_LISTED:
                report.duplicates.append({"line": line, "vin": vehicle.vin})
        seen.add(vehicle.vin)


def _problems(err: ValidationError) -> list[tuple[str, str]]:
    """(field, message) for each problem pydantic found, on one line each."""
    found = []
    for error in err.errors(include_url=False):
        name = str(error["loc"][0]) if error["loc"] else ""
        message = error["msg"].removeprefix("Value error, ").replace("\n", " ")
        found.append((name, message))
    return found
