"""Database URLs as users paste them: normalised for libpq, and masked for logs."""

from __future__ import annotations

import re
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
_USERINFO_PASSWORD = re.compile(r"(://[^:/@]*:).*@")


def normalize(url: str) -> str:
    """Return `url` in the form libpq accepts, translating asyncpg's `ssl=` to `sslmode=`."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in _SCHEMES:
        raise ConfigurationError(
            f"DATABASE_URL must start with postgresql:// or postgres://, got {mask(url)!r}"
        )
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
    try:
        password = urlsplit(url).password
    except ValueError:
        return None
    return unquote(password) if password else None


def mask(url: str) -> str:
    """`url` with its password replaced by `***`, safe to log (even when the password holds an
    unencoded `@` or `/`, which makes the URL itself malformed)."""
    return _USERINFO_PASSWORD.sub(r"\1***@", scrub(url, password_of(url)))


def spellings(password: str) -> set[str]:
    """The ways `password` can appear in a URL or a message: raw and URL-encoded."""
    return {password, quote(password, safe=""), quote(password)}


def scrub(text: str, password: str | None) -> str:
    """Remove every spelling of `password` from `text`."""
    for spelling in spellings(password) if password else ():
        text = text.replace(spelling, MASK)
    return text
