"""Vehicle SQL and the typed functions that run it.

Each statement renders the response body itself (`json_build_object`, `created_at` as UTC
ISO-8601 with `Z`), so a handler sends the text as it comes: no rows to models to JSON again.
One statement per request, so one round trip (see `Database.fetch_one`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from shared.data import credentials, plans, scope
from shared.data.database import Database
from shared.data.fields import json_object, names
from shared.data.models import FIELDS, WRITABLE
from shared.errors import ConflictError, NotFoundError, PermissionDeniedError

if TYPE_CHECKING:  # validated by the callers that have one (POST, the seed): built only there
    from shared.data.vehicle_create import VehicleCreate

# The strong ETag of a row: its creation (so a VIN deleted and created again never repeats an
# old ETag) and its change count (so two changes in one microsecond still give two ETags).
ETAG = """'"' || (extract(epoch FROM created_at) * 1000000)::bigint || '-' || version || '"'"""

# One vehicle with every field, as GET and POST answer it; columns and JSON follow the declaration
# in `shared.data.models` (for today's fields: json_build_object('vin', vin, 'make', make, ...)).
VEHICLE_JSON = f"{json_object(FIELDS)}::text"

# The page and its total in one statement. The total is the one-row counter kept exact by
# triggers (migration 0002): count(*) over a million rows costs about 50 ms, the page 0.5 ms.
# The page's VINs are found first from the index alone (an index-only scan skips `offset` index
# entries without visiting the table), then only those rows are read: at a million rows, page
# 50,000 took 31 ms this way against 173 ms reading every skipped row.
GET_BY_VIN = f"SELECT {VEHICLE_JSON}, {ETAG} FROM vehicles WHERE vin = %(vin)s::text"
BY_VIN = plans.Cached("vehicle_by_vin", "body text, etag text", GET_BY_VIN)

# ON CONFLICT DO NOTHING turns a duplicate, even one inserted by a concurrent request a moment
# earlier, into "no row returned" instead of a unique-violation error. `credentials.write_guarded`
# runs it: AUTHORIZED is its API-key check, `in_scope` the dealer scope of the credential (see
# shared.data.credentials). One row always: the credential's state, whether the new vehicle's
# dealer is within the scope, and the vehicle's JSON and ETag (NULL when the VIN is taken).
# The vehicle is one parameter, the validated model's JSON, read into the table's own row type
# by column name (each value through its column's input function, as a typed parameter would
# be): twenty parameters cost the client 61 us more CPU a POST to quote (docs/performance.md).
_NEW = "jsonb_populate_record(NULL::vehicles, %(vehicle)s::jsonb)"
_NEW_DEALER = "(%(vehicle)s::jsonb ->> 'dealer_name')"
INSERT = f"""
WITH {credentials.CREDENTIAL}, written AS (
    INSERT INTO vehicles ({names(WRITABLE)})
    SELECT {names(WRITABLE, prefix="given.")} FROM {_NEW} AS given
    WHERE {credentials.AUTHORIZED} AND {credentials.in_scope(_NEW_DEALER)}
    ON CONFLICT (vin) DO NOTHING
    RETURNING {VEHICLE_JSON} AS result, {ETAG} AS etag
)
SELECT (SELECT state FROM credential), {credentials.in_scope(_NEW_DEALER)},
       (SELECT result FROM written), (SELECT etag FROM written)
"""
INSERTS = credentials.guarded_write(
    "vehicle_insert", INSERT, returns="state text, allowed boolean, body text, etag text"
)


class Versioned(NamedTuple):
    """A vehicle's JSON and its ETag."""

    body: str
    etag: str


def get_by_vin(*, db: Database, vin: str) -> Versioned:
    """The JSON of the vehicle with this (normalised) VIN; `NotFoundError` if there is none."""
    if "\x00" in vin:  # cannot be stored, so cannot be found (and PostgreSQL text refuses it)
        raise NotFoundError("Vehicle not found.")
    row = plans.fetch_one(db, BY_VIN, {"vin": vin})
    if row is None:
        raise NotFoundError("Vehicle not found.")
    return Versioned(row[0], row[1])


def insert(
    *,
    db: Database,
    vehicle: VehicleCreate,
    api_key_hash: bytes | None = None,
    dealers: tuple[str, ...] | None = None,
) -> Versioned:
    """Store `vehicle` and return its JSON and ETag; `ConflictError` if its VIN is already taken.

    With `api_key_hash`, the key is checked in the same statement (`shared.data.credentials`),
    its dealer scope too; without it, `dealers` is the caller's scope (None: unscoped). A dealer
    outside the scope, or none, is `PermissionDeniedError`."""
    # A write is never retried: a lost answer does not prove a lost insert.
    row = credentials.write_guarded(
        db,
        INSERTS,
        {"vehicle": vehicle.model_dump_json()},
        api_key_hash=api_key_hash,
        dealers=dealers,
    )
    allowed, body, etag = row
    if not allowed:
        raise PermissionDeniedError(
            scope.NO_DEALER if vehicle.dealer_name is None else scope.OTHER_DEALER
        )
    if body is None:
        raise ConflictError("Vehicle with this VIN already exists.")
    return Versioned(body, etag)
