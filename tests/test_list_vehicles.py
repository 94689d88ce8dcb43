"""GET /api/vehicles: pages of the inventory, newest first, with the total, in one round trip."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from functions import list_vehicles
from shared.data.database import Database
from tests.fixtures.api import (
    NEW_LIST_DEFAULTS,
    assert_matches_openapi,
    insert_vehicle,
    make_vin,
    round_trips,
)
from tests.fixtures.events import Reply, http_api_event, invoke

# Keys the query language added to every answer (additive), as an unfiltered last page has them.
LAST_PAGE_KEYS = {"count": "exact", "next_cursor": None}
T0 = datetime(2024, 3, 1, 12, 0, 0, 123456, tzinfo=UTC)


@pytest.fixture
def api(app_env: pytest.MonkeyPatch, db: Database) -> Database:
    """The list function pointed at an empty inventory."""
    return db


def get(query: str = "", path: str = "/api/vehicles") -> Reply:
    return invoke(list_vehicles.handler, http_api_event("GET", path, query=query))


def seed(db: Database, count: int, *, at: datetime = T0) -> list[str]:
    """`count` vehicles, the later serials created later; returns their VINs."""
    vins = [make_vin(serial) for serial in range(count)]
    for serial, vin in enumerate(vins):
        insert_vehicle(db, vin=vin, created_at=at + timedelta(minutes=serial))
    return vins


def test_the_first_page_of_ten_is_the_default(api: Database) -> None:
    vins = seed(api, 12)
    reply = get()
    page = reply.json()
    assert reply.status == 200
    assert [item["vin"] for item in page["items"]] == vins[::-1][:10]
    assert {k: v for k, v in page.items() if k not in ("items", "next_cursor")} == {
        "total": 12,
        "page": 1,
        "page_size": 10,
        "total_pages": 2,
        # Added by the query language (additive): what the total is; the cursor is opaque.
        "count": "exact",
    }
    assert isinstance(page["next_cursor"], str)
    assert_matches_openapi(reply, "GET", "/api/vehicles")


def test_items_show_vin_make_model_and_created_at_in_utc(api: Database) -> None:
    insert_vehicle(api, vin="1HGCM82633A004352", created_at=T0)
    (item,) = get().json()["items"]
    assert item == {
        "vin": "1HGCM82633A004352",
        "make": "Honda",
        "model": "Accord",
        "created_at": "2024-03-01T12:00:00.123456Z",
        # Added by the full record (additive): no value given, and the first photo.
        **NEW_LIST_DEFAULTS,
        "thumbnail_url": "https://images.example.com/accord/1.jpg",
    }


def test_vehicles_created_together_are_ordered_by_vin_so_pages_are_stable(api: Database) -> None:
    vins = [make_vin(serial) for serial in (5, 3, 9, 1)]
    for vin in vins:
        insert_vehicle(api, vin=vin, created_at=T0)
    insert_vehicle(api, vin=make_vin(0), created_at=T0 + timedelta(seconds=1))
    pages = [get(f"page={page}&page_size=2").json()["items"] for page in (1, 2, 3)]
    listed = [item["vin"] for items in pages for item in items]
    assert listed == [make_vin(0), *sorted(vins)]


def test_a_later_page_continues_where_the_previous_one_ended(api: Database) -> None:
    vins = seed(api, 7)
    reply = get("page=2&page_size=3")
    assert [item["vin"] for item in reply.json()["items"]] == vins[::-1][3:6]


@pytest.mark.parametrize(
    ("total", "page_size", "total_pages"),
    [(0, 10, 1), (10, 10, 1), (11, 10, 2), (7, 1, 7), (7, 100, 1)],
    ids=["empty-is-one-page", "exactly-full", "one-over", "size-one", "size-max"],
)
def test_total_pages_is_at_least_one_and_rounds_up(
    api: Database, total: int, page_size: int, total_pages: int
) -> None:
    seed(api, total)
    page = get(f"page_size={page_size}").json()
    assert (page["total"], page["total_pages"]) == (total, total_pages)


@pytest.mark.parametrize("page", [3, 10**6, 10**30], ids=["next", "far", "beyond-bigint"])
def test_a_page_past_the_end_is_empty_not_an_error(api: Database, page: int) -> None:
    seed(api, 3)
    reply = get(f"page={page}&page_size=2")
    assert reply.status == 200
    assert reply.json() == {
        "items": [],
        "total": 3,
        "page": page,
        "page_size": 2,
        "total_pages": 2,
        **LAST_PAGE_KEYS,
    }


def test_the_trailing_slash_form_answers_the_same_without_a_redirect(api: Database) -> None:
    seed(api, 2)
    with_slash = get("page_size=1", path="/api/vehicles/")
    assert with_slash.status == 200
    assert with_slash.json() == get("page_size=1").json()


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=two", "page"),
        ("page_size=0", "page_size"),
        ("page_size=101", "page_size"),
        ("page_size=1.5", "page_size"),
    ],
    ids=["page-zero", "page-negative", "page-text", "size-zero", "size-over-100", "size-fraction"],
)
def test_an_invalid_page_or_page_size_is_422_naming_it(
    api: Database, query: str, field: str
) -> None:
    reply = get(query)
    assert reply.status == 422
    assert [error["loc"] for error in reply.json()["detail"]] == [["query", field]]
    assert_matches_openapi(reply, "GET", "/api/vehicles")


def test_a_page_and_its_total_take_exactly_one_round_trip(
    api: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(api, 3)
    get()  # the connection is opened on first use; count a warm request
    with round_trips(monkeypatch) as sent:
        assert get("page=2&page_size=2").status == 200
    assert len(sent) == 1
    assert "count(" not in sent[0].lower(), "the total must come from vehicle_count"
