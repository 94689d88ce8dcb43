"""The search documents of seeded vehicles, computed while the file streams in.

The document of a row (migration 0006's `vehicle_search_vector`, about 1 ms of a generated
export's 1,500-character non-ASCII row) is most of a seed's time. Left to the trigger on
`vehicles` it is computed in the final `INSERT ... SELECT`, after the whole file has streamed,
with the client idle. A trigger on the staging table (`vehicle_seed_document`, migration 0009)
computes it instead as each row arrives, for VINs not stored yet, while the client validates the
next rows; the INSERT supplies it, and `vehicles`' trigger keeps it in a transaction that sets
`vehicle_search.supplied`.
Everything still happens in the seed's one transaction: no row of `vehicles` is written, and its
counter row is not locked, before the final INSERT, as before. `vehicles` is read from the first
row on, though: its ACCESS SHARE lock is held for the whole load (before: from the final INSERT),
so a migration's ALTER TABLE meanwhile waits for the seed or ends at its lock timeout.

On a database without 0009 (code deployed before the migration runs) the seed loads as before.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from psycopg import Cursor

COLUMN = "search_document"
AVAILABLE = "SELECT to_regprocedure('vehicle_seed_document()') IS NOT NULL"
ADD_COLUMN = f"ALTER TABLE {{table}} ADD COLUMN {COLUMN} tsvector"
ADD_TRIGGER = """
CREATE TRIGGER {table}_document BEFORE INSERT ON {table}
FOR EACH ROW EXECUTE FUNCTION vehicle_seed_document()
"""
SUPPLIED = "SET LOCAL vehicle_search.supplied = 'on'"
# The staged rows the final INSERT may insert: a row staged with a document (its VIN was not
# stored), or one whose VIN is not stored now, so that `vehicles`' BEFORE trigger (the document)
# does not run for a VIN ON CONFLICT then skips. Not a plain NOT EXISTS: planned as an anti-join
# against `vehicles` as it stands (empty after a TRUNCATE: a nested loop over a sequential
# scan), it read the table the INSERT grows once a row, and 100,000 rows took minutes. The OR
# keeps it a lookup of the rows staged without a document only.
NOT_STORED = (
    f"AND (s.{COLUMN} IS NOT NULL OR NOT EXISTS (SELECT FROM vehicles AS v WHERE v.vin = s.vin))"
)


class Staged(NamedTuple):
    """What the INSERT into `vehicles` adds: columns (`, search_document`) and a condition."""

    columns: str = ""
    new_only: str = ""


def stage(cur: Cursor[Any], table: str) -> Staged:
    """Give the staging `table` (just created) its documents if the database can; without 0009,
    nothing to add (the trigger on `vehicles` computes every document, as before)."""
    row = cur.execute(AVAILABLE).fetchone()
    if not (row and row[0]):
        return Staged()
    for statement in (ADD_COLUMN, ADD_TRIGGER, SUPPLIED):
        cur.execute(statement.format(table=table))
    return Staged(columns=f", {COLUMN}", new_only=NOT_STORED)
