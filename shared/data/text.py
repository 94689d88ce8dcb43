"""Text rules spelled as OpenAPI patterns, so the document says exactly what validation does.

Fields are trimmed with `str.strip()` before their length is checked, so `minLength` and
`maxLength` on the raw string would be false (`"   "` is too short, 100 letters between spaces
are fine). A pattern says it exactly; it reads the same in ECMA-262 (JSON Schema's dialect),
Python's `re` and the Rust `regex` crate.
"""

from __future__ import annotations

# Exactly what `str.strip()` removes (the characters of `str.isspace()`).
WHITE = r"\t\n\x0b\x0c\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"


def trimmed(max_length: int) -> str:
    """Any white space around 1 to `max_length` characters that start and end with something
    else; no NUL anywhere (PostgreSQL text cannot hold it)."""
    edge = f"[^{WHITE}\\x00]"
    return f"^[{WHITE}]*{edge}(?:[^\\x00]{{0,{max_length - 2}}}{edge})?[{WHITE}]*$"


def blank_or_trimmed(max_length: int) -> str:
    """White space only (an item that is dropped), or what `trimmed` accepts."""
    edge = f"[^{WHITE}\\x00]"
    return f"^[{WHITE}]*(?:{edge}(?:[^\\x00]{{0,{max_length - 2}}}{edge})?)?[{WHITE}]*$"
