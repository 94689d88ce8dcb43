"""Database URLs as users paste them: normalised for libpq, and masked for logs.

Accepted: URLs (`postgresql://`, `postgres://`, SQLAlchemy-style `postgresql+asyncpg://`...),
JDBC URLs (`jdbc:postgresql://host/db?user=u&password=p`), Unix-socket URLs
(`postgresql:///db?host=/run/postgresql`, `postgresql://%2Frun%2Fpostgresql/db`) and libpq's
key=value strings (`host=h dbname=d password='...'`), the last passed on as they are.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import psycopg
from psycopg.conninfo import conninfo_to_dict

from shared.errors import ConfigurationError
from shared.ops.redact import mask, split_url

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


def normalize(url: str) -> str:
    """Return `url` in the form libpq accepts: the bare scheme, asyncpg's `ssl=` as `sslmode=`,
    and a password pasted unencoded (`p@ss/w#rd`) percent-encoded."""
    url = url.strip()
    if url[:5].lower() == "jdbc:":
        url = url[5:]
    elif "://" not in url and "=" in url:
        return _key_values(url)
    scheme, user, password, rest = split_url(url)
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
    # Not urlunsplit: with no host (a Unix socket named in ?host=) it drops the `//` libpq needs.
    normalized = f"postgresql://{parts.netloc}{parts.path}"
    return normalized + (f"?{urlencode(query)}" if query else "")


def _key_values(conninfo: str) -> str:
    """A key=value string, checked as libpq parses it; an error never shows the password."""
    try:
        conninfo_to_dict(conninfo)
    except psycopg.ProgrammingError as err:
        reason = mask(str(err))
        message = f"DATABASE_URL is not a valid connection string: {reason}"
        raise ConfigurationError(message) from None
    return conninfo
