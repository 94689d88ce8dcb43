"""Who is calling, and may they write (or read)? The policy, in one place; default deny.

A request carries at most one credential: an API key (`X-API-Key: vik_...`, or
`Authorization: Bearer vik_...`) or a Supabase access token (`Authorization: Bearer <JWT>`).
A token is verified here; being signed in is not enough, since anyone can sign up to a Supabase
project: the claim `AUTH_WRITE_CLAIM` (a dotted path, `app_metadata.inventory_role` by default,
which only the dealership can set) must hold one of `AUTH_WRITE_ROLES`, or the token's `role`
must be `service_role` (unless `AUTH_SERVICE_ROLE=off`). Reads, when `AUTH_READ` is on, also
accept `AUTH_READ_ROLES`. An API key is checked by the database, inside the statement itself.

Dealer scope (writes only): a key's is stored with it and applied by the database; a user's is
the claim `AUTH_DEALER_CLAIM` (`app_metadata.dealer_names`): a dealer name or a list of them.
Without the claim a user is unscoped (as before scopes existed); a claim of any other shape (a
number, an object, `null`, an empty list, a blank name) is refused with 403, never read as
"unscoped". A `service_role` token is unscoped.
"""

from __future__ import annotations

import logging
from typing import Any, NamedTuple

from shared.auth import keys, tokens
from shared.data import credentials, scope
from shared.data.database import Database
from shared.errors import AuthenticationError, PermissionDeniedError
from shared.ops.settings import Settings

logger = logging.getLogger(__name__)

MISSING = "Credentials required: Authorization: Bearer <token> or X-API-Key: <key>."
BOTH = "Send one credential: an Authorization header or an X-API-Key header, not both."
WRITE_SCOPES = ("write",)
READ_SCOPES = ("read", "write")


class Caller(NamedTuple):
    """Who a request comes from. `api_key_hash` is set for an API key, which the database checks
    with the statement it guards; a caller without it is already authorised."""

    kind: str  # "public" (auth off for this action), "token" or "api_key"
    subject: str | None = None
    api_key_hash: bytes | None = None
    # The dealer names a token may write (None: unscoped); a key's scope is the database's.
    dealers: tuple[str, ...] | None = None


PUBLIC = Caller("public")
_ABSENT = object()  # a claim the token does not carry (unlike one that is null)


def for_write(settings: Settings, *, authorization: str | None, api_key: str | None) -> Caller:
    """The caller of a write, if it may write; 401 or 403 otherwise."""
    if not settings.auth_write:
        return PUBLIC
    return _caller(settings, authorization, api_key, _allowed_roles(settings, write=True), True)


def for_read(
    settings: Settings, db: Database, *, authorization: str | None, api_key: str | None
) -> Caller:
    """The caller of a read: anyone while `AUTH_READ` is off; else a reader, or 401/403.
    An API key costs the read a lookup of its own (reads have no write to fold it into)."""
    if not settings.auth_read:
        return PUBLIC
    caller = _caller(settings, authorization, api_key, _allowed_roles(settings, write=False), False)
    if caller.api_key_hash is not None:
        credentials.read_check(db, api_key_hash=caller.api_key_hash, scopes=READ_SCOPES)
    return caller


def _caller(
    settings: Settings,
    authorization: str | None,
    api_key: str | None,
    roles: set[str],
    scoped: bool,  # writes are dealer-scoped, reads are not
) -> Caller:
    bearer = _bearer(authorization)
    if api_key is not None and authorization is not None:  # which one speaks? neither
        raise AuthenticationError(BOTH, error="invalid_request")
    if api_key is not None or (bearer is not None and bearer.startswith(keys.PREFIX)):
        return Caller("api_key", api_key_hash=keys.parse(api_key or bearer or ""))
    if bearer is None:
        raise AuthenticationError(MISSING, error=None)
    try:
        claims = tokens.verify(bearer, settings)
    except AuthenticationError as err:
        logger.info("token refused: %s", err)  # the reason, never the token
        raise
    subject = str(claims.get("sub"))
    if not _may(claims, settings, roles):
        logger.info("token of %s refused: no allowed role", subject)
        raise PermissionDeniedError(
            f"Signed in, but not allowed: {settings.auth_write_claim} must be one of "
            f"{', '.join(sorted(roles)) or '(none configured)'}."
        )
    dealers = _dealers(claims, settings, subject) if scoped else None
    return Caller("token", subject=subject, dealers=dealers)


def _bearer(authorization: str | None) -> str | None:
    if authorization is None or not authorization.strip():
        return None
    scheme, _, value = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise AuthenticationError("Authorization must be 'Bearer <credential>'.", error=None)
    return value.strip()


def _allowed_roles(settings: Settings, *, write: bool) -> set[str]:
    roles = set(settings.auth_write_roles)
    return roles if write else roles | set(settings.auth_read_roles)


def _may(claims: dict[str, Any], settings: Settings, roles: set[str]) -> bool:
    if _service_role(claims, settings):
        return True
    value = _claim(claims, settings.auth_write_claim)
    granted = value if isinstance(value, list) else [value]
    return any(isinstance(role, str) and role in roles for role in granted)


def _dealers(claims: dict[str, Any], settings: Settings, subject: str) -> tuple[str, ...] | None:
    """The token's dealer scope; None (unscoped) without the claim or for the service role."""
    if _service_role(claims, settings):
        return None
    value = _claim(claims, settings.auth_dealer_claim, missing=_ABSENT)
    if value is _ABSENT:
        return None
    names = [value] if isinstance(value, str) else value
    if isinstance(names, list) and all(isinstance(n, str) for n in names):
        try:
            return scope.names(names)
        except ValueError:
            pass  # an empty list, or blank names only: a scope of nothing is no scope to widen
    logger.info("token of %s refused: malformed %s", subject, settings.auth_dealer_claim)
    raise PermissionDeniedError(
        f"Signed in, but {settings.auth_dealer_claim} must be a dealer name or a list of them."
    )


def _claim(claims: dict[str, Any], path: str, missing: Any = None) -> Any:
    value: Any = claims
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return missing
        value = value[part]
    return value


def _service_role(claims: dict[str, Any], settings: Settings) -> bool:
    return settings.auth_service_role and claims.get("role") == "service_role"
