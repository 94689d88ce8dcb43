"""Secret redaction: the password of a database URL in any form psycopg accepts, and every
spelling of a secret (raw, URL-encoded) replaced by `***`.

Forms: a URL (`postgresql://user:pass@host/db`, or `?password=pass`), a JDBC URL
(`jdbc:postgresql://host/db?user=u&password=p`) and libpq's key=value string
(`host=h password='quoted \\' value'`). `mask` also hides any `password=...` and any
`scheme://user:pass@` wherever it appears in a message.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, unquote

MASK = "***"
# Characters that end the user-info part of a URL; in a password they must be percent-encoded,
# but a password pasted as it is often holds them (`p@ss/w#rd`).
_RESERVED = set("@/?#")
_QUERY = re.compile(r"\?(?=[A-Za-z_]\w*=)")
_URL = re.compile(r"^(?:jdbc:)?[a-z][a-z0-9+.-]*://", re.IGNORECASE)
# libpq's key = value pairs: a value is a run of non-blanks, or single-quoted with \-escapes.
_PAIR = re.compile(r"(\w+)\s*=\s*('(?:[^'\\]|\\.)*'?|[^\s']\S*|)")
# Anywhere in a message: password=value (URL query or key=value; quoted, even as a repr quotes a
# quote, to the quote that ends it; unquoted, to a blank, &, or the quote or backslash that would
# end a JSON string) and scheme://user:password@ (to the last @ of the run).
_PASSWORD_PAIR = re.compile(
    r"""(password\s*=\s*)(\\?'.*?'(?=[\s,)"]|$)|[^\s&"\\]*)""", re.IGNORECASE
)
_USERINFO = re.compile(r"""(\b[a-z][a-z0-9+.-]*://[^\s:/@"\\]*:)[^\s"\\]*@""", re.IGNORECASE)


def spellings(secret: str) -> set[str]:
    """The ways `secret` can appear in a URL or a message: raw and URL-encoded."""
    return {secret, quote(secret, safe=""), quote(secret)}


def remove(text: str, secret: str | None) -> str:
    """`text` with every spelling of `secret` replaced by `***`, and any other password masked."""
    for spelling in spellings(secret) if secret else ():
        text = text.replace(spelling, MASK)
    return mask(text)


def password_of(dsn: str) -> str | None:
    """The password in `dsn` (any accepted form), decoded, or None."""
    dsn = dsn.strip()
    if not _URL.match(dsn):
        found = [value for key, value in key_values(dsn) if key == "password"]
        return found[-1] if found else None
    _, _, password, rest = split_url(dsn.removeprefix("jdbc:").removeprefix("JDBC:"))
    query = rest.partition("?")[2]
    in_query = [v for k, v in parse_qsl(query, keep_blank_values=True) if k == "password"]
    return password or (in_query[-1] if in_query else None) or None


def mask(text: str) -> str:
    """`text` (a database URL in any form, or a message quoting one) with every password
    replaced by `***`, safe to log."""
    if _URL.match(text):
        scheme, user, password, rest = split_url(text)
        if password is not None:
            text = f"{scheme}://{user}:{MASK}@{rest}"
    if "password" in text.lower():
        text = _PASSWORD_PAIR.sub(rf"\g<1>{MASK}", text)
    if "://" in text:
        text = _USERINFO.sub(rf"\g<1>{MASK}@", text)
    return text


def key_values(conninfo: str) -> list[tuple[str, str]]:
    """The pairs of a libpq key=value string, quoted values unquoted, as libpq reads them."""
    return [(key, _unquote(value)) for key, value in _PAIR.findall(conninfo)]


def _unquote(value: str) -> str:
    if not value.startswith("'"):
        return value
    return re.sub(r"\\(.)", r"\1", value[1:].removesuffix("'"))


def split_url(url: str) -> tuple[str, str | None, str | None, str]:
    """Scheme, user, decoded password and the rest (host, path, query) of `url`.

    The user info ends at the last `@` before the query (`?key=`), so a password holding a raw
    `@`, `/`, `?` or `#` is read whole rather than cut where a strict URL parser would cut it,
    and an `@` in the query (`?user=a@b`) is not taken for the end of a user info.
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url, None, None, ""
    query = _QUERY.search(rest)
    at = rest.rfind("@", 0, query.start() if query else len(rest))
    if at < 0:
        return scheme, None, None, rest
    userinfo, rest = rest[:at], rest[at + 1 :]
    user, colon, password = userinfo.partition(":")
    if not colon:
        return scheme, unquote(user), None, rest
    raw = bool(_RESERVED & set(password))  # not a valid URL: the password was pasted as it is
    return scheme, unquote(user), password if raw else unquote(password), rest
