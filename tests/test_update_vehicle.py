"""PATCH /api/vehicles/{vin}: JSON Merge Patch of the writable fields, If-Match, one round trip."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest

from functions import get_vehicle, update_vehicle
from shared.data import writes
from shared.data.database import Database
from shared.errors import PreconditionFailedError
from shared.ops.settings import Settings
from tests.fixtures.api import assert_matches_openapi, insert_vehicle, round_trips
from tests.fixtures.events import Reply, http_api_event, invoke

VIN = "1HGCM82633A004352"
PATH = f"/api/vehicles/{VIN}"
MERGE_PATCH = "application/merge-patch+json"


@pytest.fixture
def api(app_env: pytest.MonkeyPatch, db: Database) -> Database:
    """The update function and one stored vehicle, `VIN`, with a trim, a price and equipment."""
    insert_vehicle(db, vin=VIN)
    patch({"trim": "EX-L", "price": 21500, "equipment": ["Sunroof"], "year": 2003})
    return db


def patch(
    body: dict[str, Any] | str,
    *,
    path: str = PATH,
    if_match: str | None = None,
    content_type: str = MERGE_PATCH,
) -> Reply:
    headers = {"content-type": content_type}
    if if_match is not None:
        headers["if-match"] = if_match
    text = body if isinstance(body, str) else json.dumps(body)
    event = http_api_event("PATCH", path, body=text, headers=headers)
    return invoke(update_vehicle.handler, event)


def get(path: str = PATH, headers: dict[str, str] | None = None) -> Reply:
    return invoke(get_vehicle.handler, http_api_event("GET", path, headers=headers))


def test_a_patch_changes_only_the_fields_it_names_and_answers_the_full_record(
    api: Database,
) -> None:
    before = get().json()
    reply = patch({"price": 19999.99, "mileage": 45500})
    assert reply.status == 200
    after = reply.json()
    assert (after["price"], after["mileage"]) == (19999.99, 45500)
    assert {k: v for k, v in after.items() if k not in {"price", "mileage", "updated_at"}} == {
        k: v for k, v in before.items() if k not in {"price", "mileage", "updated_at"}
    }
    assert after["updated_at"] > before["updated_at"]
    assert get().json() == after
    assert reply.headers["etag"] == get().headers["etag"] != ""
    assert_matches_openapi(reply, "PATCH", "/api/vehicles/{vin}")


def test_null_clears_an_optional_field_and_empties_a_list(api: Database) -> None:
    after = patch({"trim": None, "price": None, "equipment": None}).json()
    assert (after["trim"], after["price"], after["equipment"]) == (None, None, [])


def test_unknown_fields_are_ignored_and_application_json_is_accepted(api: Database) -> None:
    reply = patch({"colour": "red", "status": "pending"}, content_type="application/json")
    assert reply.status == 200
    assert "colour" not in reply.json()
    assert reply.json()["status"] == "pending"


def test_marking_a_vehicle_sold_is_a_patch_of_its_status(api: Database) -> None:
    assert patch({"status": "sold"}).json()["status"] == "sold"
    assert get().json()["status"] == "sold"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("vin", "5YJSA1E26HF000001"),
        ("vin", VIN),
        ("created_at", "2020-01-01T00:00:00Z"),
        ("updated_at", None),
        ("make", None),
        ("description", None),
        ("status", None),
        ("status", "scrapped"),
        ("price", -1),
        ("year", 1885),
        ("mileage", -5),
        ("detail_url", "ftp://dealer.example/1"),
        ("equipment", ["x" * 101]),
    ],
    ids=lambda v: str(v)[:20],
)
def test_a_field_that_cannot_be_written_so_is_422_naming_it(
    api: Database, field: str, value: Any
) -> None:
    before = get()
    reply = patch({field: value, "trim": "Sport"})
    assert reply.status == 422
    assert [e["loc"] for e in reply.json()["detail"]] == [["body", field]]
    assert get().body == before.body


def test_a_short_vin_keeps_its_vehicle_before_1981(api: Database) -> None:
    insert_vehicle(api, vin="7R02C179624")
    path = "/api/vehicles/7R02C179624"
    assert patch({"year": 1967}, path=path).status == 200
    reply = patch({"year": 1999}, path=path)
    assert reply.status == 422
    assert reply.json()["detail"][0]["loc"] == ["body", "year"]


def test_an_unknown_vin_is_404(api: Database) -> None:
    reply = patch({"price": 1}, path="/api/vehicles/5YJSA1E26HF000001")
    assert (reply.status, reply.json()) == (404, {"detail": "Vehicle not found."})


def test_a_body_that_is_not_json_is_415(api: Database) -> None:
    assert patch("price=1", content_type="application/x-www-form-urlencoded").status == 415


def test_if_match_with_the_current_etag_writes_and_gives_a_new_etag(api: Database) -> None:
    etag = get().headers["etag"]
    reply = patch({"price": 18000}, if_match=etag)
    assert reply.status == 200
    assert reply.headers["etag"] != etag


def test_if_match_with_an_old_etag_is_412_with_the_current_one_and_writes_nothing(
    api: Database,
) -> None:
    old = get().headers["etag"]
    current = patch({"price": 18000}).headers["etag"]
    reply = patch({"price": 1}, if_match=old)
    assert reply.status == 412
    assert reply.headers["etag"] == current
    assert reply.json() == {"detail": "The vehicle has changed since that ETag was read."}
    assert get().json()["price"] == 18000
    assert_matches_openapi(reply, "PATCH", "/api/vehicles/{vin}")


@pytest.mark.parametrize("header", ["*", '"nope", {etag}'], ids=["star", "one-of-a-list"])
def test_if_match_accepts_a_star_and_a_list(api: Database, header: str) -> None:
    etag = get().headers["etag"]
    assert patch({"price": 1}, if_match=header.format(etag=etag)).status == 200


def test_a_weak_etag_never_matches_if_match(api: Database) -> None:
    etag = get().headers["etag"]
    assert patch({"price": 1}, if_match=f"W/{etag}").status == 412


def test_a_patch_that_changes_nothing_keeps_the_etag_and_updated_at(api: Database) -> None:
    before = get()
    reply = patch({"trim": "EX-L", "price": 21500})
    assert reply.status == 200
    assert reply.headers["etag"] == before.headers["etag"]
    assert reply.json() == before.json()


def test_every_change_gives_a_new_etag_even_within_one_microsecond(api: Database) -> None:
    seen = {get().headers["etag"]}
    for price in (1, 2, 3, 4):
        seen.add(patch({"price": price}).headers["etag"])
    assert len(seen) == 5


def test_two_concurrent_patches_with_one_etag_give_one_200_and_one_412(
    api: Database, database_url: str
) -> None:
    etag = get().headers["etag"]
    workers = 2
    start = threading.Barrier(workers)
    outcomes: list[str] = []

    def write(price: int) -> None:
        own = Database(Settings(database_url=database_url))  # one connection per "container"
        own.fetch_one("SELECT 1", retry=True)
        start.wait()
        try:
            writes.update(db=own, vin=VIN, changes={"price": price}, if_match=[etag])
            outcomes.append("200")
        except PreconditionFailedError:
            outcomes.append("412")
        except Exception as err:  # noqa: BLE001 - any other outcome fails the test below
            outcomes.append(repr(err))
        finally:
            own.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in (100, 200)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["200", "412"]
    assert get().json()["price"] in (100, 200)


def test_a_patch_with_if_match_takes_exactly_one_round_trip(
    api: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    etag = get().headers["etag"]
    patch({"price": 1})  # warm: the connection is opened on first use
    etag = get().headers["etag"]
    with round_trips(monkeypatch) as sent:
        assert patch({"price": 2}, if_match=etag).status == 200
        assert patch({"price": 3}, if_match=etag).status == 412
    assert len(sent) == 2
