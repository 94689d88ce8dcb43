"""The credential check, folded into the write statement it guards: one statement, one round trip.

A write statement starts `WITH {CREDENTIAL}, written AS (...)`; `guarded` fills in a `credential`
row of two columns the statement's conditions read:
- `state`: with an API key, the key's state (`ok`, `revoked`, `forbidden`: lacks the scope,
  `unknown`) looked up by its hash; without one (a verified JWT, or write auth off) a constant
  `ok`. A statement writes only where `AUTHORIZED` holds (an InitPlan evaluated before any row
  is touched), and answers `(SELECT state FROM credential)` first, so "no such key" and "VIN
  taken" are told apart without a second query;
- `dealers`: the credential's dealer scope in comparable form (`shared.data.scope`), NULL when
  unscoped: the key's `dealers` column, or the `caller_dealers` parameter (a JWT's claim).
  Statements test it with `in_scope(...)` in their WHERE, so the check and the write are one
  statement: no read-then-write race (a concurrent change of the row is re-checked by the
  UPDATE itself under READ COMMITTED).

The key's `dealers` are read through `to_jsonb(k)`, not by name, so the statement works before
migration 0008 adds the column (deploy, then migrate: for a few seconds new code meets the old
schema; every key is unscoped until then, as before this release).

`last_used_at` is written at most once a minute per key: writing it on every request would add a
row version and a row lock on the key to each write (see the README's numbers).
"""

from __future__ import annotations

from functools import cache
from typing import Any, NamedTuple

from shared.data import plans, scope
from shared.data.database import Database, Row
from shared.errors import AuthenticationError, PermissionDeniedError

AUTHORIZED = "(SELECT state = 'ok' FROM credential)"
WRITE_SCOPES = ("write",)
CREDENTIAL = "{credential}"

# The key's state by its hash: `ok`, `revoked`, `forbidden` (has none of the scopes), `unknown`.
_KEY_STATE = """CASE WHEN k.revoked_at IS NOT NULL THEN 'revoked'
                     WHEN NOT k.scopes && %(api_key_scopes)s::text[] THEN 'forbidden'
                     ELSE 'ok' END"""
# `dealers` by way of the row's JSON: absent (before migration 0008) or NULL is unscoped.
KEY_DEALERS = f"""CASE WHEN jsonb_typeof(to_jsonb(k) -> 'dealers') = 'array'
                THEN ARRAY(SELECT {scope.dealer_key("d")}
                           FROM jsonb_array_elements_text(to_jsonb(k) -> 'dealers') AS d) END"""
_STATE = f"""coalesce(
        (SELECT {_KEY_STATE} FROM api_keys AS k WHERE k.hash = %(api_key_hash)s::bytea),
        'unknown')"""
_TRUSTED_CTE = f"""credential AS (
    SELECT 'ok'::text AS state, {scope.comparable("%(caller_dealers)s::text[]")} AS dealers
)"""
_CHECKED_CTES = f"""credential AS (
    SELECT coalesce(key.state, 'unknown') AS state, key.dealers
    FROM (VALUES (true)) AS one (here)
    LEFT JOIN (SELECT {_KEY_STATE} AS state,
               {KEY_DEALERS} AS dealers
               FROM api_keys AS k
               WHERE k.hash = %(api_key_hash)s::bytea) AS key ON true
), touched AS (
    UPDATE api_keys SET last_used_at = now()
    WHERE hash = %(api_key_hash)s::bytea AND revoked_at IS NULL
      AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
)"""
# The lookup on its own, for reads when AUTH_READ is on: a read has no write to fold it into
# (folding it into every SELECT would change every query), so it costs such reads a round trip.
# Reads are not dealer-scoped.
KEY_STATE = f"SELECT {_STATE}"

_DETAIL = {
    "unknown": "Unknown API key.",
    "revoked": "API key revoked.",
}


def in_scope(dealer: str) -> str:
    """SQL, for a guarded statement: the dealer name `dealer` is within the credential's scope."""
    return f"(SELECT {scope.within('dealers', dealer)} FROM credential)"


@cache
def guarded(statement: str, *, keyed: bool) -> str:
    """`statement` (with `CREDENTIAL` among its CTEs) as a trusted caller's, or key-checked."""
    return statement.replace(CREDENTIAL, _CHECKED_CTES if keyed else _TRUSTED_CTE)


class GuardedWrite(NamedTuple):
    """A guarded write statement in both forms, each run by its function (`shared.data.plans`)."""

    trusted: plans.Cached
    keyed: plans.Cached


def guarded_write(name: str, statement: str, *, returns: str) -> GuardedWrite:
    """`statement` (with `CREDENTIAL` among its CTEs) as the functions `name` (a trusted
    caller's) and `name_keyed`; `returns` their result columns, the credential's state first."""
    return GuardedWrite(
        plans.Cached(name, returns, guarded(statement, keyed=False), writes=True),
        plans.Cached(f"{name}_keyed", returns, guarded(statement, keyed=True), writes=True),
    )


def write_guarded(
    db: Database,
    write: GuardedWrite,
    params: dict[str, Any],
    *,
    api_key_hash: bytes | None,
    dealers: tuple[str, ...] | None = None,
    scopes: tuple[str, ...] = WRITE_SCOPES,
) -> Row:
    """Run a guarded write (never retried); its one row after the credential's state.

    With `api_key_hash`, an unknown or revoked key raises `AuthenticationError` and a key with
    none of `scopes` `PermissionDeniedError`, and nothing is written. Without it the caller is
    already authorised, limited to `dealers` when given (a JWT's scope)."""
    if api_key_hash is not None:
        params = {**params, "api_key_hash": api_key_hash, "api_key_scopes": list(scopes)}
    else:
        params = {**params, "caller_dealers": None if dealers is None else list(dealers)}
    row = plans.fetch_one(db, write.trusted if api_key_hash is None else write.keyed, params)
    if row is None:  # the statement's SELECT always answers one row
        raise RuntimeError("the guarded write returned no row")
    state_of(str(row[0]), scopes=scopes)
    return row[1:]


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
