"""The seed: validate export rows as `POST /api/vehicles` does, drop repeats, load with COPY.

Rows stream from the file through validation into `COPY`; only the set of VINs already seen is
kept, so memory does not grow with the file. Everything happens in one transaction: an error at
any point leaves `vehicles` as it was. Existing VINs are skipped, never overwritten.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from shared.data.database import Database
from shared.data.models import VehicleCreate
from shared.seed.copy_text import copy_line
from shared.seed.export import COLUMNS, Record, photo_urls

MAX_LISTED = 50  # rows listed per problem kind; counts are always exact
COPY_BATCH = 100  # rows per write to COPY: about 300 KB of a realistic export
Vehicle = tuple[str, str, str, str, list[str]]

# Why a staging table and not a COPY straight into `vehicles`: COPY has no ON CONFLICT, so one VIN
# that exists (or is inserted concurrently) would fail the whole load. `INSERT ... SELECT ... ON
# CONFLICT DO NOTHING` never overwrites, never fails on a concurrent insert, and its row count
# splits inserted from existing. On 100,000 rows (290 MB) the extra INSERT took 1.3-1.7 s of an
# 8 s seed (validation and reading the CSV dominate). The alternative, locking the table and
# COPYing each chunk's new VINs straight in, saved about as much but held 5,000 rows in memory
# and blocked every API write for the whole load.
CREATE_STAGING = """
CREATE TEMP TABLE seed_rows (
    vin text, make text, model text, description text, image_urls text[]
) ON COMMIT DROP
"""
COPY_STAGING = "COPY seed_rows (vin, make, model, description, image_urls) FROM STDIN"
INSERT_NEW = """
INSERT INTO vehicles (vin, make, model, description, image_urls)
SELECT vin, make, model, description, image_urls FROM seed_rows
ON CONFLICT (vin) DO NOTHING
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

    def as_dict(self) -> dict[str, Any]:
        return {
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
    vehicles = _vehicles(rows, report)
    if db is None:
        for _ in vehicles:
            pass
    else:
        with db.transaction(timeout_ms=timeout_ms) as conn, conn.cursor() as cur:
            cur.execute(CREATE_STAGING)
            with cur.copy(COPY_STAGING) as copy:
                lines: list[str] = []
                for vehicle in vehicles:
                    lines.append(copy_line(vehicle))
                    if len(lines) == COPY_BATCH:
                        copy.write("".join(lines))
                        lines.clear()
                copy.write("".join(lines))
            cur.execute(INSERT_NEW)
            report.inserted = cur.rowcount
        report.skipped_existing = report.valid - report.inserted
    report.elapsed_seconds = round(time.perf_counter() - started, 3)
    return report


def _vehicles(records: Iterable[Record], report: Report) -> Iterator[Vehicle]:
    seen: set[str] = set()
    for record in records:
        report.rows_read += 1
        raw = record.fields
        try:
            vehicle = VehicleCreate.model_validate(
                {**raw, "image_urls": photo_urls(raw["image_urls"])}
            )
        except ValidationError as err:
            report.invalid_count += 1
            if len(report.invalid) < MAX_LISTED:
                row = {"line": record.line, "vin": raw["vin"].strip()[:40], "reason": reason(err)}
                report.invalid.append(row)
            continue
        if vehicle.vin in seen:
            report.duplicate_count += 1
            if len(report.duplicates) < MAX_LISTED:
                report.duplicates.append({"line": record.line, "vin": vehicle.vin})
            continue
        seen.add(vehicle.vin)
        report.valid += 1
        yield vehicle.vin, vehicle.make, vehicle.model, vehicle.description, vehicle.image_urls


def reason(err: ValidationError) -> str:
    """One short line per problem, named by the export's column: `VIN: check digit ...`."""
    problems = []
    for error in err.errors(include_url=False):
        column = COLUMNS.get(str(error["loc"][0]), str(error["loc"][0])) if error["loc"] else ""
        message = error["msg"].removeprefix("Value error, ")
        problems.append(f"{column}: {message}" if column else message)
    return "; ".join(problems)
