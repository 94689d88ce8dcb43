"""Database URLs as users paste them: normalised for libpq, and masked for logs."""

from __future__ import annotations

from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from shared.errors import ConfigurationError

# SQLAlchemy-style driver suffixes that Supabase guides put in URLs; libpq wants the bare scheme.
_SCHEMES = {
    "postgresql",
    "postgres",
    "postgresql+asyncpg",
    "postgresql+psycopg",
    "postgresql+psycopg2",
    "postgres+asyncpg",
}
# Query parameters meant for other drivers or ORMs; libpq rejects unknown ones.
_FOREIGN_PARAMS = {"prepared_statement_cache_size", "statement_cache_size", "pgbouncer"}
_ASYNCPG_SSL = {"require": "require", "true": "require", "verify-full": "verify-full"}
MASK = "***"
# Characters that end the user-info part of a URL; in a password they must be percent-encoded,
# but a password pasted as it is often holds them (`p@ss/w#rd`).
_RESERVED = set("@/?#")


def normalize(url: str) -> str:
    """Return `url` in the form libpq accepts: the bare scheme, asyncpg's `ssl=` as `sslmode=`,
    and a password pasted unencoded (`p@ss/w#rd`) percent-encoded."""
    scheme, user, password, rest = _split(url.strip())
    if scheme.lower() not in _SCHEMES:
        raise ConfigurationError(
            f"DATABASE_URL must start with postgresql:// or postgres://, got {mask(url)!r}"
        )
    userinfo = ""
    if user is not None:
        secret = "" if password is None else f":{quote(password, safe='')}"
        userinfo = f"{user}{secret}@"
    parts = urlsplit(f"postgresql://{userinfo}{rest}")
    query = []
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key in _FOREIGN_PARAMS:
            continue
        if key == "ssl":
            query.append(("sslmode", _ASYNCPG_SSL.get(value.lower(), value)))
        else:
            query.append((key, value))
    return urlunsplit(("postgresql", parts.netloc, parts.path, urlencode(query), parts.fragment))


def password_of(url: str) -> str | None:
    """The password in `url`, decoded, or None."""
    return _split(url)[2] or None


def mask(url: str) -> str:
    """`url` with its password replaced by `***`, safe to log."""
    scheme, user, password, rest = _split(url)
    if password is None:
        return url
    return f"{scheme}://{user}:{MASK}@{rest}"


def _split(url: str) -> tuple[str, str | None, str | None, str]:
    """Scheme, user, decoded password and the rest (host, path, query) of `url`.

    The user info ends at the last `@` before the host, so a password holding a raw `@`, `/`,
    `?` or `#` is read whole rather than cut where a strict URL parser would cut it.
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url, None, None, ""
    at = rest.rfind("@")
    if at < 0:
        return scheme, None, None, rest
    userinfo, rest = rest[:at], rest[at + 1 :]
    user, colon, password = userinfo.partition(":")
    if not colon:
        return scheme, unquote(user), None, rest
    raw = bool(_RESERVED & set(password))  # not a valid URL: the password was pasted as it is
    return scheme, unquote(user), password if raw else unquote(password), rest


def spellings(password: str) -> set[str]:
    """The ways `password` can appear in a URL or a message: raw and URL-encoded."""
    return {password, quote(password, safe=""), quote(password)}


def scrub(text: str, password: str | None) -> str:
    """Remove every spelling of `password` from `text`."""
    for spelling in spellings(password) if password else ():
        text = text.replace(spelling, MASK)
    return text
