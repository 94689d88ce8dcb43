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

from shared.data import credentials
from shared.data.credentials import AUTHORIZED, CREDENTIAL
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
# One row always: the credential's state, what was written (or NULL), and the ETag (the new one,
# or the current one of a row left alone; NULL when there is no such vehicle).
_ANSWER = """
SELECT (SELECT state FROM credential),
       (SELECT result FROM written),
       coalesce((SELECT etag FROM written), (SELECT etag FROM current))
"""

UPDATE = f"""
WITH {CREDENTIAL}, written AS (
    UPDATE vehicles
    SET {_ASSIGNMENTS},
        version = CASE WHEN {_CHANGES} THEN version + 1 ELSE version END,
        updated_at = CASE WHEN {_CHANGES} THEN now() ELSE updated_at END
    WHERE vin = %(vin)s::text AND {_IF_MATCH} AND {AUTHORIZED}
    RETURNING {VEHICLE_JSON} AS result, {ETAG} AS etag
), {_CURRENT}{_ANSWER}"""

DELETE = f"""
WITH {CREDENTIAL}, written AS (
    DELETE FROM vehicles
    WHERE vin = %(vin)s::text AND {_IF_MATCH} AND {AUTHORIZED}
    RETURNING 'deleted' AS result, NULL::text AS etag
), {_CURRENT}{_ANSWER}"""


def update(
    *,
    db: Database,
    vin: str,
    changes: dict[str, Any],
    if_match: list[str] | None,
    api_key_hash: bytes | None = None,
) -> Versioned:
    """Apply `changes` (validated values of patchable fields) to the vehicle `vin` if its ETag is
    one of `if_match` (`None`: unconditionally); its new JSON and ETag."""
    params: dict[str, Any] = {"vin": vin, "if_match": if_match}
    for spec in PATCHABLE:
        params[f"{spec.name}__set"] = spec.name in changes
        params[spec.name] = changes.get(spec.name)
    # A write is never retried: a lost answer does not prove a lost update.
    if "\x00" in vin:  # a VIN PostgreSQL cannot hold names no vehicle
        raise NotFoundError("Vehicle not found.")
    row = credentials.write_guarded(db, UPDATE, params, api_key_hash=api_key_hash)
    return Versioned(*_written(row))


def delete(
    *, db: Database, vin: str, if_match: list[str] | None, api_key_hash: bytes | None = None
) -> None:
    """Remove the vehicle `vin` if its ETag is one of `if_match` (`None`: unconditionally)."""
    if "\x00" in vin:  # a VIN PostgreSQL cannot hold names no vehicle
        raise NotFoundError("Vehicle not found.")
    params = {"vin": vin, "if_match": if_match}
    _written(credentials.write_guarded(db, DELETE, params, api_key_hash=api_key_hash))


def _written(row: tuple[Any, ...]) -> tuple[Any, Any]:
    """(result, ETag) of a write that happened; else why not: no such vehicle, or another ETag."""
    result, etag = row
    if result is None and etag is None:
        raise NotFoundError("Vehicle not found.")
    if result is None:
        raise PreconditionFailedError(CHANGED, etag)
    return result, etag
