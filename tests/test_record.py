"""The full dealer record: every field through POST and GET, its rules, the list's additions,
ETags and 304s."""

from __future__ import annotations

import json
from typing import Any

import pytest

from functions import create_vehicle, get_vehicle, list_vehicles
from shared.data.database import Database
from tests.fixtures.api import assert_matches_openapi, new_vehicle
from tests.fixtures.events import Reply, http_api_event, invoke

VIN = "1HGCM82633A004352"
FULL = {
    "year": 2003,
    "trim": "EX",
    "price": 34499.99,
    "mileage": 45500,
    "condition": "Excellent",
    "stock_number": "C24100",
    "exterior_color": "Rapid Red",
    "interior_color": "Graphite Cloth",
    "transmission": "Automatic",
    "fuel_type": "Gasoline",
    "dealer_name": "Cañon City Motors",
    "detail_url": "https://dealer.example/used/1HGCM82633A004352",
    "equipment": ["Sunroof", "Bluetooth"],
    "status": "pending",
}


@pytest.fixture
def api(app_env: pytest.MonkeyPatch, db: Database) -> Database:
    return db


def post(body: dict[str, Any]) -> Reply:
    event = http_api_event("POST", "/api/vehicles", body=json.dumps(body))
    return invoke(create_vehicle.handler, event)


def get(headers: dict[str, str] | None = None) -> Reply:
    event = http_api_event("GET", f"/api/vehicles/{VIN}", headers=headers)
    return invoke(get_vehicle.handler, event)


def test_every_field_is_stored_and_returned(api: Database) -> None:
    created = post(new_vehicle(**{**FULL, "equipment": [" Sunroof", "Bluetooth", "", "Sunroof"]}))
    assert created.status == 201
    body = get().json()
    assert {k: body[k] for k in FULL} == FULL
    assert body["updated_at"] == body["created_at"]
    assert created.json() == body
    assert_matches_openapi(get(), "GET", "/api/vehicles/{vin}")


def test_the_new_fields_are_optional_and_status_defaults_to_available(api: Database) -> None:
    body = post(new_vehicle()).json()
    assert body["status"] == "available"
    assert body["equipment"] == []
    assert all(body[k] is None for k in FULL if k not in {"status", "equipment"})


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("year", 1885),
        ("year", 2999),
        ("year", "soon"),
        ("price", -0.01),
        ("price", 1e13),
        ("price", "$5"),
        ("mileage", -1),
        ("mileage", 2.5),
        ("status", "scrapped"),
        ("trim", ""),
        ("trim", "x" * 101),
        ("condition", "a\x00b"),
        ("dealer_name", "   "),
        ("detail_url", "/relative"),
        ("detail_url", "ftp://dealer.example/1"),
        ("equipment", "Sunroof"),
        ("equipment", [f"item {n}" for n in range(201)]),
    ],
    ids=lambda v: str(v)[:20],
)
def test_a_bad_value_of_a_new_field_is_422_naming_it(api: Database, field: str, value: Any) -> None:
    reply = post(new_vehicle(**{field: value}))
    assert reply.status == 422
    assert [e["loc"] for e in reply.json()["detail"]] == [["body", field]]


def test_a_price_is_kept_in_cents_whatever_float_carried_it(api: Database) -> None:
    # What a browser's 0.1 + 0.2 arithmetic sends: stored and answered as the cents it meant.
    reply = post(new_vehicle(price=19.990000000000002))
    assert (reply.status, reply.json()["price"]) == (201, 19.99)
    assert post(new_vehicle(vin="1M8GDM9AXKP042788", price=1.005)).json()["price"] == 1.01


@pytest.mark.parametrize(
    ("vin", "year", "status"),
    [("7R02C179624", 1967, 201), ("7R02C179624", 1981, 422), ("7R02C179624", None, 201)],
    ids=["short-before-1981", "short-from-1981", "short-without-year"],
)
def test_a_short_vin_is_accepted_only_before_1981_when_there_is_a_year(
    api: Database, vin: str, year: int | None, status: int
) -> None:
    assert post(new_vehicle(vin=vin, year=year)).status == status


def test_list_items_add_the_listed_fields_and_the_first_photo(api: Database) -> None:
    post(new_vehicle(**FULL, image_urls=["https://img.example/1.jpg", "https://img.example/2.jpg"]))
    post(new_vehicle(vin="7R02C179624", image_urls=[]))
    reply = invoke(list_vehicles.handler, http_api_event("GET", "/api/vehicles"))
    items = {item["vin"]: item for item in reply.json()["items"]}
    full = items[VIN]
    assert set(full) == {
        "vin", "make", "model", "created_at", "year", "trim", "price", "mileage", "status",
        "dealer_name", "thumbnail_url",
    }  # fmt: skip
    assert (full["price"], full["thumbnail_url"]) == (34499.99, "https://img.example/1.jpg")
    assert items["7R02C179624"]["thumbnail_url"] is None
    assert_matches_openapi(reply, "GET", "/api/vehicles")


def test_get_sends_a_strong_etag_and_if_none_match_gives_304_without_a_body(
    api: Database,
) -> None:
    created = post(new_vehicle())
    etag = get().headers["etag"]
    assert etag == created.headers["etag"]
    assert etag.startswith('"')
    assert not etag.startswith("W/")
    for header in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        reply = get({"if-none-match": header})
        assert (reply.status, reply.body, reply.headers["etag"]) == (304, "", etag)
    assert get({"if-none-match": '"other"'}).status == 200
