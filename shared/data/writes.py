"""Changing and removing a vehicle: PATCH (JSON Merge Patch) and DELETE, each one statement.

`If-Match` is part of the statement, not a read before the write: the UPDATE or DELETE only
touches the row while its ETag is one the client sent. Under READ COMMITTED a second writer
waits for the first to commit, then re-checks its WHERE against the new row version: the ETag
changed, so it touches nothing, and two PATCHes sent with one ETag give one 200 and one 412.
When nothing was touched, a locking read (`FOR SHARE`, which also sees the latest committed
version) in the same statement tells "gone" (404) from "changed" (412, with the current ETag).
"""

from __future__ import annotations

from typing import Any

from shared.data.database import Database
from shared.data.fields import Spec
from shared.data.models import WRITABLE
from shared.data.vehicles import ETAG, VEHICLE_JSON, Versioned
from shared.errors import NotFoundError, PreconditionFailedError

# What PATCH may change: every writable field but the VIN, which names the vehicle.
PATCHABLE: tuple[Spec, ...] = tuple(f for f in WRITABLE if f.name != "vin")
CHANGED = "The vehicle has changed since that ETag was read."


def _value(spec: Spec) -> str:
    return f"%({spec.name})s::{spec.column.sql_type}"


# For each field: `make = CASE WHEN %(make__set)s THEN %(make)s::text ELSE make END`. A field
# the patch leaves out keeps its value; the statement is one constant, whatever the patch holds.
_ASSIGNMENTS = ",\n        ".join(
    f"{f.name} = CASE WHEN %({f.name}__set)s THEN {_value(f)} ELSE {f.name} END" for f in PATCHABLE
)
# A patch that changes nothing leaves the row, its `updated_at` and its ETag as they were.
_CHANGES = " OR ".join(
    f"(%({f.name}__set)s AND {_value(f)} IS DISTINCT FROM {f.name})" for f in PATCHABLE
)
_IF_MATCH = f"(%(if_match)s::text[] IS NULL OR {ETAG} = ANY(%(if_match)s::text[]))"
# Found only when the write touched nothing: the current ETag (412), or no row (404).
_CURRENT = f"""
current AS (
    SELECT {ETAG} AS etag FROM vehicles
    WHERE vin = %(vin)s::text AND NOT EXISTS (SELECT FROM written)
    FOR SHARE
)"""

UPDATE = f"""
WITH written AS (
    UPDATE vehicles
    SET {_ASSIGNMENTS},
        version = CASE WHEN {_CHANGES} THEN version + 1 ELSE version END,
        updated_at = CASE WHEN {_CHANGES} THEN now() ELSE updated_at END
    WHERE vin = %(vin)s::text AND {_IF_MATCH}
    RETURNING {VEHICLE_JSON} AS body, {ETAG} AS etag
), {_CURRENT}
SELECT body, etag FROM written
UNION ALL
SELECT NULL, etag FROM current
"""

DELETE = f"""
WITH written AS (
    DELETE FROM vehicles
    WHERE vin = %(vin)s::text AND {_IF_MATCH}
    RETURNING vin
), {_CURRENT}
SELECT true, NULL FROM written
UNION ALL
SELECT false, etag FROM current
"""


def update(
    *, db: Database, vin: str, changes: dict[str, Any], if_match: list[str] | None
) -> Versioned:
    """Apply `changes` (validated values of patchable fields) to the vehicle `vin` if its ETag is
    one of `if_match` (`None`: unconditionally); its new JSON and ETag."""
    params: dict[str, Any] = {"vin": vin, "if_match": if_match}
    for spec in PATCHABLE:
        params[f"{spec.name}__set"] = spec.name in changes
        params[spec.name] = changes.get(spec.name)
    # A write is never retried: a lost answer does not prove a lost update.
    row = _written(db.fetch_one(UPDATE, params, retry=False) if "\x00" not in vin else None)
    return Versioned(row[0], row[1])


def delete(*, db: Database, vin: str, if_match: list[str] | None) -> None:
    """Remove the vehicle `vin` if its ETag is one of `if_match` (`None`: unconditionally)."""
    if "\x00" not in vin:  # a VIN PostgreSQL cannot hold names no vehicle
        _written(db.fetch_one(DELETE, {"vin": vin, "if_match": if_match}, retry=False))
    else:
        _written(None)


def _written(row: tuple[Any, ...] | None) -> tuple[Any, ...]:
    """The row of a write that happened; else why not: no such vehicle, or another ETag."""
    if row is None:
        raise NotFoundError("Vehicle not found.")
    if not row[0]:
        raise PreconditionFailedError(CHANGED, row[1])
    return row
