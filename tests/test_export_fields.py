"""Every export column is read, tolerating what real exports contain; what cannot be read is
reported by line, VIN, field and reason, never stored."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from shared.data import cells
from shared.data.database import Database
from shared.seed.commands import run

DATA = Path(__file__).parent / "data"


def record(db: Database, vin: str) -> dict[str, Any]:
    row = db.connection().execute(
        "SELECT to_jsonb(v) - 'created_at' - 'updated_at' - 'version' FROM vehicles AS v "
        "WHERE vin = %s",
        [vin],
    )
    found = row.fetchone()
    assert found is not None
    return dict(found[0])


def test_a_messy_export_is_read_into_every_field(db: Database) -> None:
    summary = run({"csv_path": str(DATA / "full_record.csv"), "limit": -1}, db)
    assert (summary["rows_read"], summary["inserted"]) == (6, 3)
    sierra = record(db, "3GTU9DED0LG126885")
    assert {k: sierra[k] for k in ("year", "price", "mileage", "equipment")} == {
        "year": 2020,
        "price": 54995.00,
        "mileage": 30248,
        "equipment": ["Backup Camera", "Bluetooth"],
    }
    assert sierra["dealer_name"] == "Lakeside Auto Group"
    assert sierra["detail_url"] == "https://www.lakeside.example/used/3GTU9DED0LG126885"
    assert (sierra["condition"], sierra["stock_number"], sierra["fuel_type"]) == (
        "Excellent",
        "C24100",
        "Gasoline",
    )
    assert sierra["status"] == "available"
    forester = record(db, "JF2SKAEC3JH332708")
    assert (forester["year"], forester["trim"], forester["exterior_color"]) == (2018, None, None)
    assert (forester["interior_color"], forester["equipment"]) == (None, [])
    assert record(db, "7R02C179624")["mileage"] is None  # "-" is no value


def test_unreadable_values_are_reported_by_line_vin_field_and_reason(db: Database) -> None:
    summary = run({"csv_path": str(DATA / "full_record.csv"), "limit": -1}, db)
    invalid = summary["invalid"]
    assert invalid["count"] == 3
    problems = {
        (row["line"], row["vin"], p["field"]): p["reason"]
        for row in invalid["rows"]
        for p in row["problems"]
    }
    assert problems == {
        (4, "1HGCV1F56LA856250", "price"): "not an amount: 'Call for price'",
        (5, "5YJ3E1EB3PF000004", "mileage"): "not a mileage in miles: '12 km'",
        (5, "5YJ3E1EB3PF000004", "detail_url"): "not an absolute http(s) URL: 'ftp://nope'",
        (7, "VC57L141907", "year"): "a 11-character VIN means a model year before 1981",
    }
    assert invalid["rows"][0]["reason"] == "Price: not an amount: 'Call for price'"


@pytest.mark.parametrize(
    ("parse", "cell", "value"),
    [
        (cells.money, "$34,499", Decimal(34499)),
        (cells.money, "34499.5", Decimal("34499.5")),
        (cells.money, " USD 1,234,567.89 ", Decimal("1234567.89")),
        (cells.miles, "45,500 mi", 45500),
        (cells.miles, "45500 miles", 45500),
        (cells.miles, "45,500", 45500),
        (cells.whole_number, "2024.0", 2024),
        (cells.whole_number, "2024", 2024),
    ],
)
def test_export_cells_are_read_as_exports_write_them(parse: Any, cell: str, value: Any) -> None:
    assert parse(cell) == value


@pytest.mark.parametrize(
    ("parse", "cell"),
    [
        (cells.money, "Call"),
        (cells.money, "3,44,99"),
        (cells.money, "-5"),
        (cells.miles, "12 km"),
        (cells.miles, "4,5000"),
        (cells.whole_number, "2024.5"),
        (cells.whole_number, "MY24"),
    ],
)
def test_cells_that_mean_something_else_are_refused(parse: Any, cell: str) -> None:
    with pytest.raises(ValueError, match="not a"):
        parse(cell)


@pytest.mark.parametrize("cell", ["", "  ", "N/A", "n/a", "NA", "-", "--", "null", "TBD"])
def test_placeholders_mean_no_value(cell: str) -> None:
    assert cells.is_placeholder(cell)
