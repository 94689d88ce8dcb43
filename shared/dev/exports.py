"""Generated dealer exports for tests and benchmarks: realistic, valid and as large as asked."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

from shared.data.vin import check_digit

HEADER_LINE = (
    "DealerName,Vehicle ID,VIN,Year,Make,Model,Trim,Price,Mileage,Condition,Stock Number,"
    "Exterior Color,Interior Color,Transmission,PhotoURLs,WebAdDescription,VDP,Fuel Type,"
    "Equipments,i1,i2,i3"
)
HEADER = HEADER_LINE.split(",")


def synthetic_vin(n: int, wmi: str = "1FT") -> str:
    """A valid, distinct 17-character VIN for each `n` below a million (generated files)."""
    body = f"{wmi}EW1E5?L{n:07d}"[:17]
    return body.replace("?", check_digit(body.replace("?", "0")))


def generate_export(
    path: Path, rows: int, *, description_chars: int = 1500, changed_every: int = 0
) -> Path:
    """Write a realistic export of `rows` vehicles (20 photos, long non-ASCII text) to `path`;
    with `changed_every`, every such row has its price one dollar lower (a price drop)."""
    with path.open("w", encoding="utf-8", newline="") as out:
        write_export(out, _generated(rows, description_chars, changed_every))
    return path


def write_export(out: TextIO, rows: Iterable[dict[str, str]]) -> None:
    """Write rows keyed by export column name; absent columns are left empty."""
    writer = csv.DictWriter(out, HEADER, restval="", extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)


def _generated(
    rows: int, description_chars: int, changed_every: int = 0
) -> Iterator[dict[str, str]]:
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
            "Price": str(15_000 + n % 40_000 - (changed_every and n % changed_every == 0)),
            "PhotoURLs": ",".join(
                f"https://photos.example.com/{vin}/{i:02d}.jpg?w=1024" for i in range(20)
            ),
            "WebAdDescription": (f"#{n} " + text * (description_chars // len(text) + 1))[
                :description_chars
            ],
        }
