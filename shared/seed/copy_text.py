"""COPY's text format, for streaming rows into PostgreSQL.

Written here rather than by psycopg's `write_row`, which dumps a list in Python element by
element: ~42 us a row with 20 photo URLs, more than the validation (~32 us). A line costs ~1 us
plus 3 us of UTF-8 encoding. With it the seed of 100,000 rows (290 MB) went from 0.62x to
0.87-0.97x the throughput of a bare `write_row` COPY without validation, and 10,000 rows from
0.68x to 0.82-1.15x (`python -m bench --only seed`, a noisy 2-core machine).
"""

from __future__ import annotations

_COPY_ESCAPES = (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r"))


def copy_line(vehicle: tuple[str, str, str, str, list[str]]) -> str:
    """One row of COPY's text format: tab-separated fields, backslash escapes, a text[] literal."""
    vin, make, model, description, urls = vehicle
    return "\t".join(map(_copy_text, (vin, make, model, description, _array(urls)))) + "\n"


def _array(items: list[str]) -> str:
    """A text[] literal, every element quoted: commas, braces, blanks or NULL then need no rule."""
    if not items:
        return "{}"
    if '"' in (joined := "".join(items)) or "\\" in joined:
        items = [item.replace("\\", "\\\\").replace('"', '\\"') for item in items]
    return '{"' + '","'.join(items) + '"}'


def _copy_text(value: str) -> str:
    for char, escaped in _COPY_ESCAPES:  # the backslash first, so no escape is escaped again
        if char in value:
            value = value.replace(char, escaped)
    return value
