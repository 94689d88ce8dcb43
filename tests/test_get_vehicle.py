"""GET /api/vehicles/{vin}: one vehicle, found in any letter case, or 404."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from functions import get_vehicle
from shared.data.database import Database
from tests.fixtures.api import (
    NEW_FIELD_DEFAULTS,
    assert_matches_openapi,
    insert_vehicle,
    round_trips,
)
from tests.fixtures.events import Reply, http_api_event, invoke

VIN = "1HGCM82633A004352"


@pytest.fixture
def api(app_env: pytest.MonkeyPatch, db: Database) -> Database:
    """The get function and an inventory holding one vehicle, `VIN`."""
    insert_vehicle(
        db,
        vin=VIN,
        image_urls=["https://img.example.com/1.jpg", "https://img.example.com/2.jpg"],
        created_at=datetime(2024, 3, 1, 12, 0, 0, 5, tzinfo=UTC),
    )
    return db


def get(path: str) -> Reply:
    return invoke(get_vehicle.handler, http_api_event("GET", path))


def test_a_vehicle_is_returned_with_every_field(api: Database) -> None:
    reply = get(f"/api/vehicles/{VIN}")
    assert reply.status == 200
    assert reply.json() == {
        "vin": VIN,
        "make": "Honda",
        "model": "Accord",
        "description": "One owner, full service history.",
        "image_urls": ["https://img.example.com/1.jpg", "https://img.example.com/2.jpg"],
        "created_at": "2024-03-01T12:00:00.000005Z",
        # Added by the full record: an old row shows no value for each, and its creation time
        # as its last change.
        **NEW_FIELD_DEFAULTS,
        "updated_at": "2024-03-01T12:00:00.000005Z",
    }
    assert_matches_openapi(reply, "GET", "/api/vehicles/{vin}")


@pytest.mark.parametrize(
    "spelling",
    [VIN.lower(), "1hGcM82633a004352", f"%20{VIN}%20", f"%20%20{VIN.lower()}"],
    ids=["lower-case", "mixed-case", "spaces-around", "spaces-and-lower-case"],
)
def test_the_lookup_ignores_letter_case_and_surrounding_spaces(
    api: Database, spelling: str
) -> None:
    reply = get(f"/api/vehicles/{spelling}")
    assert reply.status == 200
    assert reply.json()["vin"] == VIN


def test_an_unknown_vin_is_404(api: Database) -> None:
    reply = get("/api/vehicles/5YJSA1E26HF000001")
    assert (reply.status, reply.json()) == (404, {"detail": "Vehicle not found."})
    assert_matches_openapi(reply, "GET", "/api/vehicles/{vin}")


@pytest.mark.parametrize(
    "path", ["/api/vehicles/%00", "/api/vehicles/ABC%00DEF"], ids=["nul", "nul-inside"]
)
def test_a_vin_postgres_cannot_hold_is_404_not_500(api: Database, path: str) -> None:
    reply = get(path)
    assert (reply.status, reply.json()) == (404, {"detail": "Vehicle not found."})


def test_a_lookup_takes_exactly_one_round_trip(
    api: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    get(f"/api/vehicles/{VIN}")  # the connection is opened on first use; count a warm request
    with round_trips(monkeypatch) as sent:
        assert get(f"/api/vehicles/{VIN.lower()}").status == 200
    assert len(sent) == 1
