"""Vehicle factories for tests and benchmarks: valid VINs and POST bodies, as plain functions."""

from __future__ import annotations

from typing import Any

from shared.data.vin import check_digit


def make_vin(serial: int) -> str:
    """A 17-character VIN with a correct check digit, different for each `serial`."""
    draft = f"1HGCM8260{serial:08d}"
    return f"{draft[:8]}{check_digit(draft)}{draft[9:]}"


def new_vehicle(**overrides: Any) -> dict[str, Any]:
    """A valid POST /api/vehicles body; keyword arguments replace or add fields."""
    vehicle: dict[str, Any] = {
        "vin": "1HGCM82633A004352",
        "make": "Honda",
        "model": "Accord",
        "description": "One owner, full service history.",
        "image_urls": ["https://images.example.com/accord/1.jpg"],
    }
    vehicle.update(overrides)
    return vehicle
