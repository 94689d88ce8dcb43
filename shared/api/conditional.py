"""Conditional requests (RFC 9110): `If-Match` on writes, `If-None-Match` on reads."""

from __future__ import annotations


def _tags(header: str) -> list[str]:
    return [tag.strip() for tag in header.split(",") if tag.strip()]


def if_match(header: str | None) -> list[str] | None:
    """The ETags a write is conditional on; `None` for no condition (absent, or `*`, which any
    existing vehicle matches: a missing one is a 404 either way). Weak tags never match (the
    comparison is strong), so they are kept as sent."""
    if header is None or header.strip() == "*":
        return None
    return _tags(header)


def not_modified(header: str | None, etag: str) -> bool:
    """Whether a GET with this `If-None-Match` gets 304 (weak comparison: `W/` is ignored)."""
    if header is None:
        return False
    if header.strip() == "*":
        return True
    return etag in (tag.removeprefix("W/") for tag in _tags(header))
