"""DELETE /api/vehicles/{vin}: 204 then 404, If-Match, the exact total, one round trip."""

from __future__ import annotations

import pytest

from functions import delete_vehicle, get_vehicle, list_vehicles
from shared.data.database import Database
from tests.fixtures.api import (
    assert_matches_openapi,
    insert_vehicle,
    make_vin,
    round_trips,
    stored_vins,
)
from tests.fixtures.events import Reply, http_api_event, invoke

VIN = "1HGCM82633A004352"
PATH = f"/api/vehicles/{VIN}"


@pytest.fixture
def api(app_env: pytest.MonkeyPatch, db: Database) -> Database:
    """The delete function and two stored vehicles, `VIN` and another."""
    insert_vehicle(db, vin=VIN)
    insert_vehicle(db, vin=make_vin(1))
    return db


def delete(path: str = PATH, if_match: str | None = None) -> Reply:
    headers = {} if if_match is None else {"if-match": if_match}
    return invoke(delete_vehicle.handler, http_api_event("DELETE", path, headers=headers))


def etag() -> str:
    return invoke(get_vehicle.handler, http_api_event("GET", PATH)).headers["etag"]


def test_a_deleted_vehicle_is_204_and_then_404(api: Database) -> None:
    reply = delete(f"/api/vehicles/{VIN.lower()}")
    assert (reply.status, reply.body) == (204, "")
    assert stored_vins(api) == [make_vin(1)]
    assert invoke(get_vehicle.handler, http_api_event("GET", PATH)).status == 404
    again = delete()
    assert (again.status, again.json()) == (404, {"detail": "Vehicle not found."})
    assert_matches_openapi(again, "DELETE", "/api/vehicles/{vin}")


def test_the_list_total_stays_exact_after_a_delete(api: Database) -> None:
    delete()
    page = invoke(list_vehicles.handler, http_api_event("GET", "/api/vehicles")).json()
    assert (page["total"], [i["vin"] for i in page["items"]]) == (1, [make_vin(1)])


def test_if_match_with_the_current_etag_deletes(api: Database) -> None:
    assert delete(if_match=etag()).status == 204


def test_if_match_with_another_etag_is_412_with_the_current_one_and_keeps_it(
    api: Database,
) -> None:
    current = etag()
    reply = delete(if_match='"0-1"')
    assert (reply.status, reply.headers["etag"]) == (412, current)
    assert VIN in stored_vins(api)
    assert_matches_openapi(reply, "DELETE", "/api/vehicles/{vin}")


def test_a_vehicle_deleted_and_created_again_never_matches_an_old_etag(api: Database) -> None:
    old = etag()
    delete()
    insert_vehicle(api, vin=VIN)
    assert etag() != old
    assert delete(if_match=old).status == 412


def test_a_delete_takes_exactly_one_round_trip(
    api: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    delete(f"/api/vehicles/{make_vin(1)}")  # warm: the connection is opened on first use
    current = etag()
    with round_trips(monkeypatch) as sent:
        assert delete(if_match=current).status == 204
    assert len(sent) == 1
