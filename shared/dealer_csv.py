"""The dealer inventory export (DealerCenter-style CSV): reading it row by row, and writing one.

Columns are found by name, ignoring case and surrounding spaces; their order does not matter and
unknown columns are ignored. Rows are yielded one at a time, so memory does not grow with the file.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from shared.errors import SeedError
from shared.vin import check_digit

# Our field -> the export's column. PhotoURLs is required as a column even though a vehicle may
# have no photos: a renamed or missing photo column would otherwise drop every photo silently.
COLUMNS = {
    "vin": "VIN",
    "make": "Make",
    "model": "Model",
    "description": "WebAdDescription",
    "image_urls": "PhotoURLs",
}
HEADER_LINE = (
    "DealerName,Vehicle ID,VIN,Year,Make,Model,Trim,Price,Mileage,Condition,Stock Number,"
    "Exterior Color,Interior Color,Transmission,PhotoURLs,WebAdDescription,VDP,Fuel Type,"
    "Equipments,i1,i2,i3"
)
HEADER = HEADER_LINE.split(",")


@dataclass(frozen=True, slots=True)
class Record:
    """One data row: the physical line it starts on, and our fields as raw text."""

    line: int
    fields: dict[str, str]


def read_records(lines: Iterable[str]) -> Iterator[Record]:
    """Check the header now (a missing column raises `SeedError`), then yield rows lazily.

    `lines` is usually a text file opened with `newline=""`, so quoted fields keep line breaks.
    """
    reader = csv.reader(lines)
    try:
        header = next(reader, [])
    except csv.Error as err:
        raise SeedError(f"line 1: unreadable header: {err}") from err
    positions = {name.strip().lstrip("\ufeff").casefold(): i for i, name in enumerate(header)}
    missing = [col for col in COLUMNS.values() if col.casefold() not in positions]
    if missing:
        found = ", ".join(header)[:300] or "nothing"
        noun = "column" if len(missing) == 1 else "columns"
        raise SeedError(f"the file has no {', '.join(missing)} {noun} (its header has: {found})")
    wanted = [(field, positions[column.casefold()]) for field, column in COLUMNS.items()]
    return _records(reader, wanted)


def _records(reader: Iterator[list[str]], wanted: list[tuple[str, int]]) -> Iterator[Record]:
    start = 2  # csv.reader counts physical lines read so far; a record starts on the next one
    while True:
        try:
            row = next(reader, None)
        except csv.Error as err:
            raise SeedError(f"line {start}: malformed CSV: {err}") from err
        if row is None:
            return
        if any(row):  # blank lines are not rows
            yield Record(start, {field: row[i] if i < len(row) else "" for field, i in wanted})
        start = reader.line_num + 1  # type: ignore[attr-defined]


def photo_urls(cell: str) -> list[str]:
    """The PhotoURLs cell: one comma-separated list (blanks are dropped by validation)."""
    return cell.split(",") if cell.strip() else []


def synthetic_vin(n: int, wmi: str = "1FT") -> str:
    """A valid, distinct 17-character VIN for each `n` below a million (generated files)."""
    body = f"{wmi}EW1E5?L{n:07d}"[:17]
    return body.replace("?", check_digit(body.replace("?", "0")))


def generate_export(path: Path, rows: int, *, description_chars: int = 1500) -> Path:
    """Write a realistic export of `rows` vehicles (20 photos, long non-ASCII text) to `path`."""
    with path.open("w", encoding="utf-8", newline="") as out:
        write_export(out, _generated(rows, description_chars))
    return path


def write_export(out: TextIO, rows: Iterable[dict[str, str]]) -> None:
    """Write rows keyed by export column name; absent columns are left empty."""
    writer = csv.DictWriter(out, HEADER, restval="", extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)


def _generated(rows: int, description_chars: int) -> Iterator[dict[str, str]]:
    makes = [("Ford", "F-150"), ("Toyota", "Camry"), ("Honda", "Civic"), ("BMW", "X5")]
    text = "Clean Carfax, “one owner” — café-kept, new tires, every service record, "
    for n in range(rows):
        make, model = makes[n % len(makes)]
        vin = synthetic_vin(n)
        yield {
            "DealerName": "Benchmark Motors",
            "Vehicle ID": str(n),
            "VIN": vin,
            "Year": str(2015 + n % 10),
            "Make": make,
            "Model": model,
            "Price": str(15_000 + n % 40_000),
            "PhotoURLs": ",".join(
                f"https://photos.example.com/{vin}/{i:02d}.jpg?w=1024" for i in range(20)
            ),
            "WebAdDescription": (f"#{n} " + text * (description_chars // len(text) + 1))[
                :description_chars
            ],
        }
