"""GET /api/vehicles filters, sorts, `q` and `count` against answers worked out by hand on the
fleet of tests/fixtures/fleet.py (letters a-j; created in that order, e and f together)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest

from functions import list_vehicles
from shared.data import listing
from shared.data.database import Database
from shared.ops.settings import get_settings
from tests.fixtures.api import assert_matches_openapi, round_trips
from tests.fixtures.events import Reply, http_api_event, invoke
from tests.fixtures.fleet import letters, load, vin_of


@pytest.fixture
def fleet(app_env: pytest.MonkeyPatch, db: Database) -> Database:
    load(db)
    return db


def get(query: str) -> Reply:
    return invoke(list_vehicles.handler, http_api_event("GET", "/api/vehicles", query=query))


def found(query: str) -> str:
    reply = get(f"{query}&page_size=100")
    assert reply.status == 200, reply.json()
    return letters([item["vin"] for item in reply.json()["items"]])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("make=toyota", "igba"),
        ("make=TOYOTA&make=honda", "ihgcba"),
        ("make=%C5%A0KODA", "j"),  # ŠKODA
        ("model=camry", "ia"),
        ("make=toyota&model=camry&model=rav4", "iba"),
        ("year_min=2021&year_max=2021", "cb"),
        ("year_min=2023", "jid"),
        ("year_max=2015", "g"),
        ("price_min=24999.99&price_max=25000", "hcb"),
        ("price_max=9800", "g"),
        ("price_min=52000", "d"),
        ("price_min=52000.01", ""),
        ("mileage_max=0", ""),
        ("mileage_max=10", "i"),
        ("mileage_max=31000", "idcb"),
        ("status=pending", "ic"),
        ("status=pending&status=sold", "iec"),
        ("dealer=lot%20a", "gba"),
        ("condition=USED", "gefcba"),
        ("make=toyota&condition=used&price_max=25000&mileage_max=60000", "ba"),
        ("make=nobody", ""),
        ("unknown=1&make=jeep", "d"),
    ],
    ids=str,
)
def test_filters_combine_and_match_case_insensitively(
    fleet: Database, query: str, expected: str
) -> None:
    assert found(query) == expected


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("newest", "jihgefdcba"),
        ("oldest", "abcdfeghij"),
        ("price", "gajbchedfi"),
        ("-price", "ifdehcbjag"),
        ("mileage", "idbcaejgfh"),
        ("-mileage", "hfgjeacbdi"),
        ("year", "fgaebchdji"),
        ("-year", "ijdhcbeagf"),
    ],
)
def test_each_sort_breaks_ties_by_vin_and_puts_missing_values_at_one_end(
    fleet: Database, sort: str, expected: str
) -> None:
    assert found(f"sort={sort}") == expected


def test_the_default_sort_is_newest(fleet: Database) -> None:
    assert found("") == found("sort=newest")


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("4xe", "d"),
        ("F-150", "e"),
        ("f150", "e"),
        ("F/150 pickup", "e"),
        ('"ford f-150 lariat"', "e"),  # a phrase is the running text: Ford F-150 Lariat Crew ...
        ('"f-150 pickup"', ""),
        ("150", "e"),
        ("citroen", "f"),
        ("CITROËN", "f"),
        ("cafe", "f"),
        ("Café au lait", "f"),
        ("toyota camry", "ia"),
        ('"crew cab"', "e"),
        ("pickup -crew", ""),
        ("pickup -tow", ""),
        ("cab -rock", "e"),
        ("Rock-Trac", "d"),
        ("4x4", "d"),
        ("hybrid or pickup", "ed"),
        ("AB-100", "igba"),
        ("cd-2002", "d"),
        (vin_of("c").lower(), "c"),
        ("1FLEETVEH", "jihgefdcba"),
        ("!!!", ""),
        ("'; DROP TABLE vehicles; --", ""),
        ("a:* | b", ""),
    ],
    ids=str,
)
def test_q_finds_words_phrases_and_code_prefixes_whatever_the_punctuation(
    fleet: Database, q: str, expected: str
) -> None:
    reply = get(f"page_size=100&q={quote(q, safe='')}")
    assert reply.status == 200
    assert letters([item["vin"] for item in reply.json()["items"]]) == expected
    assert reply.json()["total"] == len(expected)


def test_q_of_only_spaces_filters_nothing(fleet: Database) -> None:
    assert found("q=%20%20") == "jihgefdcba"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("year_min=2022&year_max=2021", "year_min"),
        ("price_min=25000.01&price_max=25000", "price_min"),
        ("price_max=10000000000", "price_max"),  # above numeric(12,2)
        ("price_min=-1", "price_min"),
        ("mileage_max=-1", "mileage_max"),
        ("year_min=1885", "year_min"),
        ("status=lost", "status"),
        ("sort=cheapest", "sort"),
        ("count=some", "count"),
        ("make=", "make"),
        ("q=%00", "q"),
    ],
    ids=str,
)
def test_an_invalid_parameter_is_422_naming_it(fleet: Database, query: str, field: str) -> None:
    reply = get(query)
    assert reply.status == 422
    assert [error["loc"][:2] for error in reply.json()["detail"]] == [["query", field]]
    assert_matches_openapi(reply, "GET", "/api/vehicles")


def test_ranges_are_inclusive_at_both_edges(fleet: Database) -> None:
    assert found("year_min=2019&year_max=2020&price_min=18500&price_max=38900") == "ea"


def page_keys(query: str) -> dict[str, Any]:
    body = get(query).json()
    return {k: v for k, v in body.items() if k not in ("items", "next_cursor")}


@pytest.mark.parametrize(
    ("query", "total", "count"),
    [
        ("make=toyota", 4, "exact"),
        ("make=toyota&count=estimated", 4, "exact"),
        ("make=toyota&count=exact", 4, "exact"),
        ("make=toyota&count=none", None, "none"),
        ("count=estimated", 10, "exact"),
        ("count=none", None, "none"),
    ],
    ids=str,
)
def test_count_says_which_total_the_answer_has(
    fleet: Database, query: str, total: int | None, count: str
) -> None:
    pages = None if total is None else -(-total // 3)
    assert page_keys(f"{query}&page_size=3") == {
        "total": total,
        "count": count,
        "page": 1,
        "page_size": 3,
        "total_pages": pages,
    }
    assert_matches_openapi(get(f"{query}&page_size=3"), "GET", "/api/vehicles")


def test_past_the_exact_cap_the_total_is_the_planners_estimate(
    fleet: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(listing, "EXACT_COUNT_CAP", 2)
    estimated = page_keys("make=toyota&page_size=3")
    assert estimated["count"] == "estimated"
    assert estimated["total"] >= 3  # at least one past the cap: that many were counted
    assert page_keys("make=toyota&page_size=3&count=exact")["total"] == 4


def test_filtered_pages_by_number_continue_where_the_previous_ended(fleet: Database) -> None:
    first, second = get("make=toyota&page_size=3").json(), get("make=toyota&page=2&page_size=3")
    assert letters([i["vin"] for i in first["items"]]) == "igb"
    assert letters([i["vin"] for i in second.json()["items"]]) == "a"
    assert second.json()["next_cursor"] is None


@pytest.mark.parametrize("count", ["exact", "estimated", "none"])
def test_a_filtered_search_with_its_total_takes_one_round_trip(
    fleet: Database, monkeypatch: pytest.MonkeyPatch, count: str
) -> None:
    monkeypatch.setattr(listing, "EXACT_COUNT_CAP", 1)  # the estimate's path too
    get("")  # the connection is opened on first use; count a warm request
    with round_trips(monkeypatch) as sent:
        assert get(f"make=toyota&q=camry&sort=-price&count={count}").status == 200
    assert len(sent) == 1


def test_search_cursor_and_estimate_work_through_a_transaction_pooler(
    fleet: Database,
    app_env: pytest.MonkeyPatch,
    database_url: str,
    route_url: Callable[[str], str],
) -> None:
    app_env.setenv("DATABASE_URL", route_url(database_url))
    get_settings.cache_clear()
    app_env.setattr(listing, "EXACT_COUNT_CAP", 1)
    first = get("make=toyota&sort=price&page_size=2").json()
    assert (letters([i["vin"] for i in first["items"]]), first["count"]) == ("ga", "estimated")
    second = get(f"make=toyota&sort=price&page_size=2&cursor={first['next_cursor']}").json()
    assert letters([i["vin"] for i in second["items"]]) == "bi"
