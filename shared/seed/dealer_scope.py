"""The dealer scope of a snapshot sync: which dealers a run may touch, and the rows it refuses.

A run is scoped by `dealers` (names given with the event or `--dealer`), by `key` (an API key's
id or the prefix `keys list` shows: the run gets that key's dealers, as its writes through the
API would), or both (the dealers both allow). Names compare as everywhere (`shared.data.scope`:
trimmed, case-insensitive). Within a scope, a row is refused, and reported per row, when its
dealer is outside it or when its VIN is stored as a vehicle of a dealer outside it (a feed may
not take another dealer's vehicle); only the scope's dealers are retired.
"""

from __future__ import annotations

from typing import Any

from psycopg import Cursor

from shared.data import scope
from shared.data.credentials import KEY_DEALERS
from shared.errors import SeedError

SCOPE = "%(scope)s::text[]"  # the run's scope in comparable form; NULL: unscoped
COMPARABLE = f"SELECT {scope.comparable('%(dealers)s::text[]')}"
# The key by id or shown prefix; a prefix shared by two keys names neither.
KEY = f"""
SELECT k.revoked_at IS NOT NULL, 'write' = ANY(k.scopes), {KEY_DEALERS}
FROM api_keys AS k
WHERE k.id::text = %(which)s::text OR k.prefix = %(which)s::text
"""
# The first rows of VINs the scope does not cover: their dealer, or the stored vehicle's.
CREATE_REFUSED = """
CREATE TEMP TABLE seed_refused (line bigint, vin text, reason text) ON COMMIT DROP
"""
REFUSED = f"""
INSERT INTO seed_refused
SELECT s.line, s.vin,
       CASE WHEN NOT {scope.within(SCOPE, "s.dealer_name")}
            THEN 'DealerName: outside the dealers this run may sync'
            ELSE 'VIN: stored as a vehicle of another dealer' END AS reason
FROM seed_vehicles AS s
LEFT JOIN vehicles AS v ON v.vin = s.vin
WHERE NOT {scope.within(SCOPE, "s.dealer_name")}
   OR (v.vin IS NOT NULL AND NOT {scope.within(SCOPE, "v.dealer_name")})
"""
DROP_REFUSED = "DELETE FROM seed_vehicles WHERE vin IN (SELECT vin FROM seed_refused)"
LIST_REFUSED = """
SELECT count(*) OVER (), line, vin, reason FROM seed_refused ORDER BY line LIMIT %(listed)s
"""


def resolve(cur: Cursor[Any], *, dealers: tuple[str, ...] | None, key: str | None) -> Any:
    """The run's scope in comparable form (a list), or None when unscoped; `SeedError` for a
    key that names no single valid write key, or a scope with no dealer left."""
    allowed: set[str] | None = None
    if dealers is not None:
        row = cur.execute(COMPARABLE, {"dealers": list(dealers)}).fetchone()
        allowed = set(row[0]) if row else set()
    if key is not None:
        found = cur.execute(KEY, {"which": key.strip()}).fetchall()
        if len(found) != 1:
            raise SeedError(f"key: no single API key has the id or prefix {key!r}")
        revoked, may_write, key_dealers = found[0]
        if revoked or not may_write:
            raise SeedError(f"key: {key!r} is {'revoked' if revoked else 'not a write key'}")
        if key_dealers is not None:
            allowed = set(key_dealers) if allowed is None else allowed & set(key_dealers)
    if allowed is not None and not allowed:
        raise SeedError("dealers: the key's dealers and the dealers given share none")
    return None if allowed is None else sorted(allowed)


def refuse(
    cur: Cursor[Any], *, allowed: list[str], listed: int
) -> tuple[int, list[dict[str, Any]]]:
    """Take the rows the scope `allowed` does not cover out of the sync; their count and the
    first few."""
    cur.execute(CREATE_REFUSED)
    cur.execute(REFUSED, {"scope": allowed})
    cur.execute(DROP_REFUSED)
    rows = cur.execute(LIST_REFUSED, {"listed": listed}).fetchall()
    return (rows[0][0] if rows else 0), [
        {"line": line, "vin": vin, "reason": reason} for _, line, vin, reason in rows
    ]
