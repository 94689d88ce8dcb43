"""The search documents of seeded vehicles, computed while the file streams in.

The document of a row (migration 0006's `vehicle_search_vector`, about 1.4 ms of an export's
1,500-character row) is most of a seed's time. Left to the trigger on `vehicles` it is computed
in the final `INSERT ... SELECT`, after the whole file has streamed, with the client idle. A
trigger on the staging table (`vehicle_seed_document`, migration 0009) computes it instead as
each row arrives, for VINs not stored yet, while the client validates the next rows; the INSERT
supplies it, and `vehicles`' trigger keeps it in a transaction that sets `vehicle_search.supplied`.
Everything still happens in the seed's one transaction: no row of `vehicles` is written, and no
lock is taken on it or on its counter, before the final INSERT, as before.

On a database without 0009 (code deployed before the migration runs) the seed loads as before.
"""

from __future__ import annotations

from typing import Any

from psycopg import Cursor

COLUMN = "search_document"
AVAILABLE = "SELECT to_regprocedure('vehicle_seed_document()') IS NOT NULL"
ADD_COLUMN = f"ALTER TABLE {{table}} ADD COLUMN {COLUMN} tsvector"
ADD_TRIGGER = """
CREATE TRIGGER {table}_document BEFORE INSERT ON {table}
FOR EACH ROW EXECUTE FUNCTION vehicle_seed_document()
"""
SUPPLIED = "SET LOCAL vehicle_search.supplied = 'on'"


def stage(cur: Cursor[Any], table: str) -> str:
    """Give the staging `table` (just created) its documents if the database can: the column
    list to add to the INSERT into `vehicles` (`, search_document`), or "" if it cannot."""
    row = cur.execute(AVAILABLE).fetchone()
    if not (row and row[0]):
        return ""
    for statement in (ADD_COLUMN, ADD_TRIGGER, SUPPLIED):
        cur.execute(statement.format(table=table))
    return f", {COLUMN}"
