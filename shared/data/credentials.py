"""The API-key check, folded into the write statement it guards: one statement, one round trip.

A write statement names its guard with `AUTHORIZED` (`INSERT ... SELECT ... WHERE {AUTHORIZED}`,
`UPDATE ... WHERE vin = ... AND {AUTHORIZED}`), a condition on the `credential` row that `write`
puts in front of it:
- with an API key, the key's state (`ok`, `revoked`, `forbidden`: lacks the scope, `unknown`)
  looked up by its hash. The write happens only when it is `ok` (an InitPlan evaluated before
  any row is touched), and the statement answers the state beside the written row, so "no such
  key" and "VIN taken" are told apart without a second query;
- without one (a verified JWT, or write auth off) a constant `ok`, and the statement's own row.

`last_used_at` is written at most once a minute per key: writing it on every request would add a
row version and a row lock on the key to each write (see the README's numbers).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from shared.data.database import Database, Row
from shared.errors import AuthenticationError, PermissionDeniedError

AUTHORIZED = "(SELECT state = 'ok' FROM credential)"
WRITE_SCOPES = ("write",)

_TRUSTED = "WITH credential AS (SELECT 'ok'::text AS state)\n"
# The key's state by its hash: `ok`, `revoked`, `forbidden` (has none of the scopes), `unknown`.
_STATE = """coalesce(
        (SELECT CASE WHEN k.revoked_at IS NOT NULL THEN 'revoked'
                     WHEN NOT k.scopes && %(api_key_scopes)s::text[] THEN 'forbidden'
                     ELSE 'ok' END
         FROM api_keys AS k
         WHERE k.hash = %(api_key_hash)s::bytea),
        'unknown')"""
_CHECKED_HEAD = f"""
WITH credential AS (
    SELECT {_STATE} AS state
), touched AS (
    UPDATE api_keys SET last_used_at = now()
    WHERE hash = %(api_key_hash)s::bytea AND revoked_at IS NULL
      AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
), written AS (
"""
_CHECKED_TAIL = """
)
SELECT credential.state, written.* FROM credential LEFT JOIN written ON true
"""
# The lookup on its own, for reads when AUTH_READ is on: a read has no write to fold it into
# (folding it into every SELECT would change every query), so it costs such reads a round trip.
KEY_STATE = f"SELECT {_STATE}"

_DETAIL = {
    "unknown": "Unknown API key.",
    "revoked": "API key revoked.",
}


# For statements that are CTEs themselves (UPDATE and DELETE with If-Match): a data-modifying
# WITH cannot nest, so such a statement starts `WITH {CREDENTIAL}, written AS (...)` and its own
# SELECT answers `(SELECT state FROM credential)` first; `guarded` fills the credential in.
CREDENTIAL = "{credential}"
_TRUSTED_CTE = "credential AS (SELECT 'ok'::text AS state)"
_CHECKED_CTES = f"""credential AS (
    SELECT {_STATE} AS state
), touched AS (
    UPDATE api_keys SET last_used_at = now()
    WHERE hash = %(api_key_hash)s::bytea AND revoked_at IS NULL
      AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
)"""


@cache
def guarded(statement: str, *, keyed: bool) -> str:
    """`statement` (with `CREDENTIAL` among its CTEs) as a trusted caller's, or key-checked."""
    return statement.replace(CREDENTIAL, _CHECKED_CTES if keyed else _TRUSTED_CTE)


def write_guarded(
    db: Database,
    statement: str,
    params: dict[str, Any],
    *,
    api_key_hash: bytes | None,
    scopes: tuple[str, ...] = WRITE_SCOPES,
) -> Row:
    """Run a `guarded` write (never retried); its one row after the credential's state, which
    raises as `write` does when the key may not write."""
    if api_key_hash is not None:
        params = {**params, "api_key_hash": api_key_hash, "api_key_scopes": list(scopes)}
    row = db.fetch_one(guarded(statement, keyed=api_key_hash is not None), params, retry=False)
    if row is None:  # the statement's SELECT always answers one row
        raise RuntimeError("the guarded write returned no row")
    state_of(str(row[0]), scopes=scopes)
    return row[1:]


@cache
def trusted(statement: str) -> str:
    """`statement` run as an already authorised caller (verified JWT, or write auth off).

    Its guard is then plainly `true`: PostgreSQL plans that in about half the time of the
    constant `credential` CTE and its InitPlan (INSERT: 49 against 99 us, on every write). A
    statement that names the credential elsewhere keeps the CTE."""
    unguarded = statement.replace(AUTHORIZED, "true")
    return unguarded if "credential" not in unguarded else _TRUSTED + statement


@cache
def checked(statement: str) -> str:
    """`statement` guarded by the API key whose hash is the `api_key_hash` parameter."""
    return _CHECKED_HEAD + statement + _CHECKED_TAIL


def write(
    db: Database,
    statement: str,
    params: dict[str, Any],
    *,
    api_key_hash: bytes | None,
    scopes: tuple[str, ...] = WRITE_SCOPES,
) -> Row | None:
    """Run the write `statement` (never retried) and return its row, or None if it wrote none.

    With `api_key_hash`, an unknown or revoked key raises `AuthenticationError` and a key
    with none of `scopes` `PermissionDeniedError`, and nothing is written.
    """
    if api_key_hash is None:
        return db.fetch_one(trusted(statement), params, retry=False)
    key = {"api_key_hash": api_key_hash, "api_key_scopes": list(scopes)}
    row = db.fetch_one(checked(statement), {**params, **key}, retry=False)
    if row is None:  # the outer SELECT always answers one row
        raise RuntimeError("the credential check returned no row")
    state_of(str(row[0]), scopes=scopes)
    rest = row[1:]
    return None if all(value is None for value in rest) else rest


def read_check(db: Database, *, api_key_hash: bytes, scopes: tuple[str, ...]) -> None:
    """Raise unless the API key with this hash is valid and has one of `scopes` (a read's own
    lookup)."""
    params = {"api_key_hash": api_key_hash, "api_key_scopes": list(scopes)}
    row = db.fetch_one(KEY_STATE, params, retry=True)
    state_of(str(row[0]) if row else "unknown", scopes=scopes)


def state_of(state: str, *, scopes: tuple[str, ...]) -> None:
    """Raise the error an API key in `state` earns; nothing for `ok`."""
    if state == "ok":
        return
    if state == "forbidden":
        raise PermissionDeniedError(f"This API key lacks the {' or '.join(scopes)} scope.")
    raise AuthenticationError(_DETAIL.get(state, "Unknown API key."))
