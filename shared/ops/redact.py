"""Secret redaction: the password of a database URL, and every spelling of a secret (raw,
URL-encoded) replaced by `***`."""

from __future__ import annotations

from urllib.parse import quote, unquote

MASK = "***"
# Characters that end the user-info part of a URL; in a password they must be percent-encoded,
# but a password pasted as it is often holds them (`p@ss/w#rd`).
_RESERVED = set("@/?#")


def spellings(secret: str) -> set[str]:
    """The ways `secret` can appear in a URL or a message: raw and URL-encoded."""
    return {secret, quote(secret, safe=""), quote(secret)}


def remove(text: str, secret: str | None) -> str:
    """`text` with every spelling of `secret` replaced by `***`."""
    for spelling in spellings(secret) if secret else ():
        text = text.replace(spelling, MASK)
    return text


def password_of(url: str) -> str | None:
    """The password in `url`, decoded, or None."""
    return split_url(url)[2] or None


def mask(url: str) -> str:
    """`url` with its password replaced by `***`, safe to log."""
    scheme, user, password, rest = split_url(url)
    if password is None:
        return url
    return f"{scheme}://{user}:{MASK}@{rest}"


def split_url(url: str) -> tuple[str, str | None, str | None, str]:
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
