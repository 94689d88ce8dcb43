"""API keys for the dealership's systems: `vik_` and 32 random bytes (base64url, 43 characters).

Only the SHA-256 of a key is stored. A fast hash is right here: a key has 256 bits of entropy,
so there is no dictionary to try; a slow password hash would only slow every write. The check of
a key on a write is folded into the write's statement (`shared.data.credentials`); this module
makes, lists and revokes keys for the `keys` command line.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime
from typing import NamedTuple

from shared.data import scope
from shared.data.database import Database
from shared.errors import AuthenticationError, NotFoundError

PREFIX = "vik_"
_SHAPE = re.compile(r"vik_[A-Za-z0-9_-]{43}")
_SHOWN = len(PREFIX) + 8  # what `keys list` shows of a key: "vik_AbCd1234"

CREATE = """
INSERT INTO api_keys (name, prefix, hash, scopes, dealers)
VALUES (%(name)s::text, %(prefix)s::text, %(hash)s::bytea, %(scopes)s::text[], %(dealers)s::text[])
RETURNING id
"""
# `dealers` through the row's JSON, so that listing works before migration 0008 too.
LIST = """
SELECT id, name, prefix, scopes, created_at, last_used_at, revoked_at,
       CASE WHEN jsonb_typeof(to_jsonb(k) -> 'dealers') = 'array'
            THEN ARRAY(SELECT jsonb_array_elements_text(to_jsonb(k) -> 'dealers')) END
FROM api_keys AS k
ORDER BY id
"""
# By id, or by the shown prefix; a prefix shared by two keys revokes neither (ambiguous).
REVOKE = """
UPDATE api_keys SET revoked_at = coalesce(revoked_at, now())
WHERE id = (SELECT min(id) FROM api_keys
            WHERE id::text = %(which)s::text OR prefix = %(which)s::text
            HAVING count(*) = 1)
RETURNING id, name
"""


class KeyInfo(NamedTuple):
    """A stored key, as `keys list` shows it (never the key itself: it is not stored)."""

    id: int
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    dealers: list[str] | None = None  # None: unscoped


def new_key() -> str:
    """A fresh random API key."""
    return PREFIX + secrets.token_urlsafe(32)


def digest(key: str) -> bytes:
    """What is stored and looked up for `key`."""
    return hashlib.sha256(key.encode()).digest()


def parse(key: str) -> bytes:
    """The digest of a key shaped like ours; `AuthenticationError` (401) otherwise."""
    key = key.strip()
    if not key.startswith(PREFIX):
        raise AuthenticationError(f"API key must start with {PREFIX!r}.")
    if not _SHAPE.fullmatch(key):
        raise AuthenticationError("Malformed API key.")
    return digest(key)


def create(
    *,
    db: Database,
    name: str,
    scopes: tuple[str, ...] = ("write",),
    dealers: tuple[str, ...] | None = None,
) -> tuple[int, str]:
    """Store a new key named `name`, limited to `dealers` if given (None: unscoped); its id and
    the key, which is shown once and never again."""
    key = new_key()
    params = {
        "name": name.strip(),
        "prefix": key[:_SHOWN],
        "hash": digest(key),
        "scopes": list(scopes),
        "dealers": None if dealers is None else list(scope.names(dealers)),
    }
    row = db.fetch_one(CREATE, params, retry=False)
    if row is None:
        raise RuntimeError("INSERT ... RETURNING returned no row")
    return int(row[0]), key


def list_all(*, db: Database) -> list[KeyInfo]:
    """Every key, revoked ones included, oldest first."""
    with db.transaction() as conn:
        return [KeyInfo(*row) for row in conn.execute(LIST)]


def revoke(*, db: Database, which: str) -> tuple[int, str]:
    """Revoke the key with id `which`, or the one key whose shown prefix it is."""
    row = db.fetch_one(REVOKE, {"which": which.strip()}, retry=False)
    if row is None:
        raise NotFoundError(f"No single key has the id or prefix {which!r}.")
    return int(row[0]), str(row[1])
