"""The request model: what POST /api/vehicles accepts, and how it tidies values."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from shared.data.types import MAX_IMAGE_URLS
from shared.data.vehicle_create import VehicleCreate
from tests.fixtures.api import new_vehicle


def errors_of(**fields: Any) -> set[str]:
    """The names of the fields `VehicleCreate` rejects in `new_vehicle(**fields)`."""
    with pytest.raises(ValidationError) as raised:
        VehicleCreate.model_validate(new_vehicle(**fields))
    return {str(error["loc"][0]) for error in raised.value.errors()}


def test_text_is_trimmed_and_the_vin_upper_cased() -> None:
    vehicle = VehicleCreate.model_validate(
        new_vehicle(vin=" 1hgcm82633a004352 ", make=" Honda ", model=" Accord", description=" x ")
    )
    assert (vehicle.vin, vehicle.make, vehicle.model, vehicle.description) == (
        "1HGCM82633A004352",
        "Honda",
        "Accord",
        "x",
    )


def test_image_urls_lose_blanks_and_repeats_and_keep_their_order() -> None:
    urls = ["https://b.example/2.jpg", " ", "http://a.example/1.jpg", "https://b.example/2.jpg"]
    vehicle = VehicleCreate.model_validate(new_vehicle(image_urls=urls))
    assert vehicle.image_urls == ["https://b.example/2.jpg", "http://a.example/1.jpg"]


def test_fifty_distinct_image_urls_are_the_most_accepted() -> None:
    urls = [f"https://img.example/{n}.jpg" for n in range(MAX_IMAGE_URLS)]
    assert len(VehicleCreate.model_validate(new_vehicle(image_urls=urls * 2)).image_urls) == 50
    assert errors_of(image_urls=[*urls, "https://img.example/extra.jpg"]) == {"image_urls"}


def test_unknown_fields_are_ignored() -> None:
    # (price and year, unknown before the full record, are fields now: see test_record.py)
    vehicle = VehicleCreate.model_validate(new_vehicle(colour="red", owners=2))
    assert {"colour", "owners"}.isdisjoint(vehicle.model_dump())


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("make", "x" * 101),
        ("model", " "),
        ("description", "x" * 10_001),
        ("image_urls", ["mailto:someone@example.com"]),
        ("image_urls", ["https:///no-host.jpg"]),
        ("image_urls", ["https://img.example/a b.jpg"]),
        ("vin", "1HGCM82633A00435"[:4]),
    ],
    ids=[
        "make-long",
        "model-blank",
        "description-long",
        "url-mailto",
        "url-no-host",
        "url-space",
        "vin-short",
    ],
)
def test_each_rule_rejects_its_field(field: str, value: Any) -> None:
    assert errors_of(**{field: value}) == {field}


def test_limits_are_inclusive() -> None:
    vehicle = VehicleCreate.model_validate(
        new_vehicle(make="m" * 100, model="m" * 100, description="d" * 10_000)
    )
    assert (len(vehicle.make), len(vehicle.description)) == (100, 10_000)
