"""Snapshot sync: a dealer feed is the whole inventory of the dealers it names.

For the dealers present in the file, in one transaction: vehicles new to us are inserted, those
whose fields differ are updated (`updated_at` and the ETag change), identical ones are left
untouched, and their vehicles the file no longer lists are marked `sold`. A sold vehicle that
the feed lists again is available again; `pending` is kept (an export has no word for it).

Like the default mode, rows stream through validation into a COPY of a staging table and every
comparison happens in SQL, so memory does not grow with the file. Invalid rows are staged too
(their VIN only): a vehicle whose row could not be read is reported, never retired. A field
whose column the file lacks keeps its stored value; a blank cell clears it.

A run may be limited to some dealers (`shared.seed.dealer_scope`): rows outside them are refused
and reported, and no vehicle of another dealer is updated or retired.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from shared.data.database import Database
from shared.data.fields import Spec, names
from shared.data.models import WRITABLE
from shared.data.scope import within
from shared.data.vin import normalize
from shared.seed import dealer_scope, documents
from shared.seed.copy_text import copy_line, copy_text
from shared.seed.dealer_scope import SCOPE
from shared.seed.export import Record
from shared.seed.loader import COPY_BATCH, MAX_LISTED, Report, validated

CREATE_STAGING = f"""
CREATE TEMP TABLE seed_rows (
    valid boolean, line bigint, {", ".join(f"{f.name} {f.column.sql_type}" for f in WRITABLE)}
) ON COMMIT DROP
"""
COPY_STAGING = f"COPY seed_rows (valid, line, {names(WRITABLE)}) FROM STDIN"
_NULLS = "\t\\N" * (len(WRITABLE) - 1)
# The first valid row of each VIN, in file order (with its document if staged), indexed for
# the joins below.
FIRST_ROWS = """
CREATE TEMP TABLE seed_vehicles ON COMMIT DROP AS
SELECT DISTINCT ON (vin) line, {columns}{extra} FROM seed_rows WHERE valid ORDER BY vin, line
"""
INDEX_FIRST_ROWS = "CREATE UNIQUE INDEX ON seed_vehicles (vin)"
INDEX_STAGING = "CREATE INDEX ON seed_rows (vin)"
ANALYZE = "ANALYZE seed_vehicles"
# With its document if staged, and only VINs not stored (`shared.seed.documents`).
INSERT_NEW = """
INSERT INTO vehicles ({columns}{extra})
SELECT {columns}{extra} FROM seed_vehicles AS s
WHERE true {new_only}
ON CONFLICT (vin) DO NOTHING
"""
# Vehicles of the file's dealers that it no longer lists (under any row, even an invalid one).
RETIRE = """
UPDATE vehicles AS v
SET status = 'sold', updated_at = now(), version = v.version + 1
WHERE v.status <> 'sold'
  AND v.dealer_name IN (SELECT DISTINCT dealer_name FROM seed_vehicles)
  AND NOT EXISTS (SELECT FROM seed_rows AS s WHERE s.vin = v.vin)
"""
# Repeats of a VIN among the valid rows: how many, and the first few (by line).
REPEATS = """
SELECT count(*) OVER (), line, vin
FROM (SELECT line, vin, row_number() OVER (PARTITION BY vin ORDER BY line) AS nth
      FROM seed_rows WHERE valid) AS numbered
WHERE nth > 1
ORDER BY line
LIMIT %(listed)s
"""
_RELISTED = "CASE WHEN v.status = 'sold' THEN 'available' ELSE v.status END"


def update_changed(fields: frozenset[str]) -> str:
    """The UPDATE of stored vehicles whose row differs, over the fields the file has; within the
    run's scope (`%(scope)s`, NULL: every dealer), re-checked by the UPDATE itself."""
    synced: tuple[Spec, ...] = tuple(f for f in WRITABLE if f.name in fields and f.name != "vin")
    columns = names(synced)
    return f"""
UPDATE vehicles AS v
SET ({columns}, status, updated_at, version) =
    ({names(synced, prefix="s.")}, {_RELISTED}, now(), v.version + 1)
FROM seed_vehicles AS s
WHERE v.vin = s.vin
  AND (({names(synced, prefix="v.")}) IS DISTINCT FROM ({names(synced, prefix="s.")})
       OR v.status = 'sold')
  AND {within(SCOPE, "v.dealer_name")}
"""


def sync(
    *,
    records: Iterable[Record],
    fields: frozenset[str],
    report: Report,
    db: Database,
    timeout_ms: int = 0,
    dealers: tuple[str, ...] | None = None,
    key: str | None = None,
) -> Report:
    """Make the file's dealers' vehicles what the file says (see the module's docstring),
    within `dealers` and the dealers of the API key `key` (id or prefix) when given."""
    started = time.perf_counter()
    invalid: list[Record] = []
    with db.transaction(timeout_ms=timeout_ms) as conn, conn.cursor() as cur:
        report.scoped = dealers is not None or key is not None
        allowed = dealer_scope.resolve(cur, dealers=dealers, key=key) if report.scoped else None
        report.dealers = allowed
        cur.execute(CREATE_STAGING)
        staged = documents.stage(cur, "seed_rows")
        with cur.copy(COPY_STAGING) as copy:
            lines: list[str] = []
            for line, vehicle in validated(records, report, invalid):
                lines.extend(_invalid_lines(invalid))
                lines.append("t\t" + copy_line(line, vehicle))
                if len(lines) >= COPY_BATCH:
                    copy.write("".join(lines))
                    lines.clear()
            lines.extend(_invalid_lines(invalid))
            copy.write("".join(lines))
        first_rows = FIRST_ROWS.format(columns=names(WRITABLE), extra=staged.columns)
        for statement in (INDEX_STAGING, first_rows, INDEX_FIRST_ROWS, ANALYZE):
            cur.execute(statement)
        if allowed is not None:
            report.refused_count, report.refused = dealer_scope.refuse(
                cur, allowed=allowed, listed=MAX_LISTED
            )
        cur.execute(update_changed(fields), {"scope": allowed})
        report.updated = cur.rowcount
        cur.execute(
            INSERT_NEW.format(
                columns=names(WRITABLE), extra=staged.columns, new_only=staged.new_only
            )
        )
        report.inserted = cur.rowcount
        cur.execute(RETIRE)
        report.retired = cur.rowcount
        repeats = cur.execute(REPEATS, {"listed": MAX_LISTED}).fetchall()
    report.duplicate_count = repeats[0][0] if repeats else 0
    report.duplicates = [{"line": line, "vin": vin} for _, line, vin in repeats]
    report.valid -= report.duplicate_count
    report.unchanged = report.valid - report.refused_count - report.inserted - report.updated
    report.skipped_existing = report.updated + report.unchanged
    report.elapsed_seconds = round(time.perf_counter() - started, 3)
    return report


def _invalid_lines(invalid: list[Record]) -> list[str]:
    """Staging lines of invalid rows (their VIN, as stored, and nothing else); empties `invalid`."""
    lines = []
    for record in invalid:
        vin = normalize(record.fields.get("vin", ""))
        if vin and "\x00" not in vin:
            lines.append(f"f\t{record.line}\t{copy_text(vin)}{_NULLS}\n")
    invalid.clear()
    return lines
