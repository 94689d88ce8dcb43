"""Whether the API can serve: the vehicles table answers a read without queueing for its lock.

`SELECT 1` ran while every data request waited behind an `ALTER TABLE` queued for the table's
lock; reading the table itself, with a short lock timeout, tells the truth in one round trip.
"""

from __future__ import annotations

import psycopg

from shared.data.database import Database
from shared.errors import DatabaseUnavailableError

LOCK_TIMEOUT_MS = 250
READY = "SELECT 1 FROM vehicles LIMIT 1"


def check(*, db: Database) -> None:
    """Return if the vehicles table can be read now; raise `DatabaseUnavailableError` if not."""
    try:
        db.fetch_one(READY, retry=True, lock_timeout_ms=LOCK_TIMEOUT_MS)
    except psycopg.errors.UndefinedTable as err:
        raise DatabaseUnavailableError("the vehicles table is missing: migrate first") from err
