"""The dealer inventory export (DealerCenter-style CSV), read row by row.

Columns are found by name, ignoring case and surrounding spaces; their order does not matter and
unknown columns are ignored. Rows are yielded one at a time, so memory does not grow with the file.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from shared.data.cells import is_placeholder
from shared.data.models import WRITABLE, Writable
from shared.errors import SeedError

# Our field -> the export's column, from the field declaration; the columns a file must have.
COLUMNS = {f.name: f.column.export for f in WRITABLE if f.column.export}
REQUIRED = [
    f.column.export
    for f in WRITABLE
    if f.column.export and (f.column.export_required or Writable.model_fields[f.name].is_required())
]


@dataclass(frozen=True, slots=True)
class Record:
    """One data row: the physical line it starts on, our fields as raw text, and what makes the
    row unusable whatever its fields say (more cells than the header), if anything."""

    line: int
    fields: dict[str, str]
    problem: str | None = None


class Records(Iterator[Record]):
    """The rows of an export, and which of our fields its header has (`fields`)."""

    def __init__(self, rows: Iterator[Record], fields: frozenset[str]) -> None:
        self._rows = rows
        self.fields = fields

    def __next__(self) -> Record:
        return next(self._rows)


def read_records(lines: Iterable[str]) -> Records:
    """Check the header now (a missing column raises `SeedError`), then yield rows lazily.

    `lines` is usually a text file opened with `newline=""`, so quoted fields keep line breaks.
    """
    reader = csv.reader(lines)
    try:
        header = next(reader, [])
    except csv.Error as err:
        raise SeedError(f"line 1: unreadable header: {err}") from err
    positions = {name.strip().lstrip("\ufeff").casefold(): i for i, name in enumerate(header)}
    missing = [col for col in REQUIRED if col.casefold() not in positions]
    if missing:
        found = ", ".join(header)[:300] or "nothing"
        noun = "column" if len(missing) == 1 else "columns"
        raise SeedError(f"the file has no {', '.join(missing)} {noun} (its header has: {found})")
    wanted = [
        (field, positions[column.casefold()], column in REQUIRED)
        for field, column in COLUMNS.items()
        if column.casefold() in positions
    ]
    fields = frozenset(field for field, _, _ in wanted)
    return Records(_records(reader, wanted, len(header)), fields)


def _records(
    reader: Iterator[list[str]], wanted: list[tuple[str, int, bool]], width: int
) -> Iterator[Record]:
    """Rows as our fields; a blank or placeholder (`N/A`) cell of an optional column is left out
    (the field's default). A row with more non-blank cells than the header has is reported: its
    cells are misplaced."""
    start = 2  # csv.reader counts physical lines read so far; a record starts on the next one
    while True:
        try:
            row = next(reader, None)
        except csv.Error as err:
            raise SeedError(f"line {start}: malformed CSV: {err}") from err
        if row is None:
            return
        if any(row):  # blank lines are not rows
            cells = ((field, row[i] if i < len(row) else "", needed) for field, i, needed in wanted)
            problem = None
            if len(row) > width and any(cell.strip() for cell in row[width:]):
                problem = f"the row has {len(row)} cells, the header {width} (an unquoted comma?)"
            yield Record(
                start,
                {
                    field: cell
                    for field, cell, needed in cells
                    if needed or not is_placeholder(cell)
                },
                problem,
            )
        start = reader.line_num + 1  # type: ignore[attr-defined]


def photo_urls(cell: str) -> list[str]:
    """The PhotoURLs cell: one comma-separated list (blanks are dropped by validation)."""
    return cell.split(",") if cell.strip() else []
