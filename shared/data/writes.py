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

from shared.data import credentials, scope
from shared.data.credentials import AUTHORIZED, CREDENTIAL
from shared.data.database import Database
from shared.data.fields import Spec
from shared.data.models import WRITABLE
from shared.data.vehicles import ETAG, VEHICLE_JSON, Versioned
from shared.errors import NotFoundError, PermissionDeniedError, PreconditionFailedError

# What PATCH may change: every writable field but the VIN, which names the vehicle.
PATCHABLE: tuple[Spec, ...] = tuple(f for f in WRITABLE if f.name != "vin")
CHANGED = "The vehicle has changed since that ETag was read."


def _value(spec: Spec) -> str:
    return f"%({spec.name})s::{spec.column.sql_type}"


# For each field: `make = CASE WHEN %(make__set)s::boolean THEN %(make)s::text ELSE make END`.
# A field the patch leaves out keeps its value; the statement is one constant, whatever it holds.
_ASSIGNMENTS = ",\n        ".join(
    f"{f.name} = CASE WHEN %({f.name}__set)s::boolean THEN {_value(f)} ELSE {f.name} END"
    for f in PATCHABLE
)
# A patch that changes nothing leaves the row, its `updated_at` and its ETag as they were.
_CHANGES = " OR ".join(
    f"(%({f.name}__set)s::boolean AND {_value(f)} IS DISTINCT FROM {f.name})" for f in PATCHABLE
)
_IF_MATCH = f"(%(if_match)s::text[] IS NULL OR {ETAG} = ANY(%(if_match)s::text[]))"
# The dealer a PATCH leaves the vehicle with; DELETE leaves it where it is.
_PATCHED_DEALER = (
    "CASE WHEN %(dealer_name__set)s::boolean THEN %(dealer_name)s::text ELSE dealer_name END"
)
_IN_SCOPE = credentials.in_scope("dealer_name")


def _current(dealer_after: str) -> str:
    """Found only when the write touched nothing: the current ETag (412), or no row (404), and
    whether the credential's scope covers the vehicle's dealer (`owned`) and the dealer it would
    have after the write (`kept`): a scoped credential's 403s."""
    return f"""
current AS (
    SELECT {ETAG} AS etag, {_IN_SCOPE} AS owned, {credentials.in_scope(dealer_after)} AS kept
    FROM vehicles
    WHERE vin = %(vin)s::text AND NOT EXISTS (SELECT FROM written)
    FOR SHARE
)"""


# One row always: the credential's state, what was written (or NULL), the ETag (the new one, or
# the current one of a row left alone; NULL when there is no such vehicle), `owned` and `kept`.
_ANSWER = """
SELECT (SELECT state FROM credential),
       (SELECT result FROM written),
       coalesce((SELECT etag FROM written), (SELECT etag FROM current)),
       (SELECT owned FROM current),
       (SELECT kept FROM current)
"""

# The scope is in the WHERE, beside If-Match: a concurrent change of the row's dealer is
# re-checked by the UPDATE itself (READ COMMITTED re-evaluates the WHERE on the new version).
UPDATE = f"""
WITH {CREDENTIAL}, written AS (
    UPDATE vehicles
    SET {_ASSIGNMENTS},
        version = CASE WHEN {_CHANGES} THEN version + 1 ELSE version END,
        updated_at = CASE WHEN {_CHANGES} THEN now() ELSE updated_at END
    WHERE vin = %(vin)s::text AND {_IF_MATCH} AND {AUTHORIZED}
      AND {_IN_SCOPE} AND {credentials.in_scope(_PATCHED_DEALER)}
    RETURNING {VEHICLE_JSON} AS result, {ETAG} AS etag
), {_current(_PATCHED_DEALER)}{_ANSWER}"""

DELETE = f"""
WITH {CREDENTIAL}, written AS (
    DELETE FROM vehicles
    WHERE vin = %(vin)s::text AND {_IF_MATCH} AND {AUTHORIZED} AND {_IN_SCOPE}
    RETURNING 'deleted' AS result, NULL::text AS etag
), {_current("dealer_name")}{_ANSWER}"""
_ANSWERED = "state text, body text, etag text, owned boolean, kept boolean"
UPDATES = credentials.guarded_write("vehicle_update", UPDATE, returns=_ANSWERED)
DELETES = credentials.guarded_write("vehicle_delete", DELETE, returns=_ANSWERED)


def update(
    *,
    db: Database,
    vin: str,
    changes: dict[str, Any],
    if_match: list[str] | None,
    api_key_hash: bytes | None = None,
    dealers: tuple[str, ...] | None = None,
) -> Versioned:
    """Apply `changes` (validated values of patchable fields) to the vehicle `vin` if its ETag is
    one of `if_match` (`None`: unconditionally); its new JSON and ETag. The credential is
    `api_key_hash`, or an authorised caller limited to `dealers` (None: unscoped)."""
    params: dict[str, Any] = {"vin": vin, "if_match": if_match}
    for spec in PATCHABLE:
        params[f"{spec.name}__set"] = spec.name in changes
        params[spec.name] = changes.get(spec.name)
    # A write is never retried: a lost answer does not prove a lost update.
    if "\x00" in vin:  # a VIN PostgreSQL cannot hold names no vehicle
        raise NotFoundError("Vehicle not found.")
    row = credentials.write_guarded(db, UPDATES, params, api_key_hash=api_key_hash, dealers=dealers)
    return Versioned(*_written(row))


def delete(
    *,
    db: Database,
    vin: str,
    if_match: list[str] | None,
    api_key_hash: bytes | None = None,
    dealers: tuple[str, ...] | None = None,
) -> None:
    """Remove the vehicle `vin` if its ETag is one of `if_match` (`None`: unconditionally)."""
    if "\x00" in vin:  # a VIN PostgreSQL cannot hold names no vehicle
        raise NotFoundError("Vehicle not found.")
    params = {"vin": vin, "if_match": if_match}
    row = credentials.write_guarded(db, DELETES, params, api_key_hash=api_key_hash, dealers=dealers)
    _written(row)


def _written(row: tuple[Any, ...]) -> tuple[Any, Any]:
    """(result, ETag) of a write that happened; else why not, in this order: no such vehicle
    (404, whoever asks: reads are not scoped, so a 403 tells nothing GET does not), another
    dealer's vehicle or a move out of the scope (403), another ETag (412)."""
    result, etag, owned, kept = row
    if result is not None:
        return result, etag
    if etag is None:
        raise NotFoundError("Vehicle not found.")
    if not owned:
        raise PermissionDeniedError(scope.NOT_YOURS)
    if not kept:
        raise PermissionDeniedError(scope.MOVED_OUT)
    raise PreconditionFailedError(CHANGED, etag)
