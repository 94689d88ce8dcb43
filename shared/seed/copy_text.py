"""COPY's text format, for streaming rows into PostgreSQL.

Written here rather than by psycopg's `write_row`, which dumps a list in Python element by
element: ~42 us a row with 20 photo URLs, more than the validation (~32 us). A line costs ~1 us
plus 3 us of UTF-8 encoding. With it the seed of 100,000 rows (290 MB) went from 0.62x to
0.87-0.97x the throughput of a bare `write_row` COPY without validation, and 10,000 rows from
0.68x to 0.82-1.15x (`python -m bench --only seed`, a noisy 2-core machine).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

_COPY_ESCAPES = (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r"))


def copy_line(line: int, model: BaseModel) -> str:
    """One staging row in COPY's text format: the line number, then the model's fields in order
    (tab-separated, backslash escapes, lists as text[] literals, None as NULL)."""
    values = [_copy_value(value) for value in model.__dict__.values()]
    return f"{line}\t" + "\t".join(values) + "\n"


def _copy_value(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, list):
        return copy_text(_array([str(item) for item in value]))
    return copy_text(str(value))


def _array(items: list[str]) -> str:
    """A text[] literal, every element quoted: commas, braces, blanks or NULL then need no rule."""
    if not items:
        return "{}"
    if '"' in (joined := "".join(items)) or "\\" in joined:
        items = [item.replace("\\", "\\\\").replace('"', '\\"') for item in items]
    return '{"' + '","'.join(items) + '"}'


def copy_text(value: str) -> str:
    """`value` escaped for COPY's text format."""
    for char, escaped in _COPY_ESCAPES:  # the backslash first, so no escape is escaped again
        if char in value:
            value = value.replace(char, escaped)
    return value
