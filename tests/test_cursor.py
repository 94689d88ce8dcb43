"""GET /api/vehicles?cursor=: keyset paging that visits every row once, and refuses any cursor
it did not issue for the same query with a JSON 400 (never a 500, never reaching SQL)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from functions import list_vehicles
from shared.data import cursor
from shared.data.database import Database
from shared.data.search import SORTS, Search
from tests.fixtures.api import assert_matches_openapi, round_trips, stored_vins
from tests.fixtures.events import Reply, http_api_event, invoke
from tests.fixtures.fleet import letters, load

SECRET = "test-cursor-secret"


@pytest.fixture
def fleet(app_env: pytest.MonkeyPatch, db: Database) -> Database:
    app_env.setenv("CURSOR_SECRET", SECRET)
    load(db)
    return db


def get(query: str) -> Reply:
    return invoke(list_vehicles.handler, http_api_event("GET", "/api/vehicles", query=query))


def walk(query: str, between: Callable[[int], None] = lambda _: None) -> list[list[str]]:
    """Every page of `query` by cursor; `between(n)` runs after page n."""
    pages: list[list[str]] = []
    reply = get(query)
    while True:
        assert reply.status == 200, reply.json()
        body = reply.json()
        pages.append([item["vin"] for item in body["items"]])
        assert body["page"] == len(pages)
        between(len(pages))
        if body["next_cursor"] is None:
            return pages
        reply = get(f"{query}&cursor={body['next_cursor']}")


@pytest.mark.parametrize("sort", list(SORTS))
def test_a_cursor_walk_gives_the_same_order_as_one_big_page(fleet: Database, sort: str) -> None:
    whole = [item["vin"] for item in get(f"sort={sort}&page_size=100").json()["items"]]
    pages = walk(f"sort={sort}&page_size=3")
    assert [len(page) for page in pages] == [3, 3, 3, 1]
    assert [vin for page in pages for vin in page] == whole


def test_a_filtered_walk_keeps_its_filters(fleet: Database) -> None:
    pages = walk("make=toyota&make=honda&sort=price&page_size=4")
    assert ["".join(letters(page)) for page in pages] == ["gabc", "hi"]


def test_an_exact_multiple_of_the_page_size_ends_without_an_empty_page(fleet: Database) -> None:
    assert [len(page) for page in walk("page_size=5")] == [5, 5]


def test_a_cursor_continues_from_a_numbered_page(fleet: Database) -> None:
    second = get("page=2&page_size=3").json()
    third = get(f"page_size=3&cursor={second['next_cursor']}").json()
    assert letters([item["vin"] for item in third["items"]]) == "dcb"
    assert third["page"] == 3


@pytest.mark.parametrize("sort", ["newest", "oldest", "price", "-mileage", "year"])
def test_a_walk_visits_every_row_once_while_vehicles_are_added(fleet: Database, sort: str) -> None:
    before = set(stored_vins(fleet))

    def add_two(page: int) -> None:
        with fleet.transaction() as conn:
            for n in range(2):
                conn.execute(
                    "INSERT INTO vehicles (vin, make, model, description, price, mileage, year,"
                    " created_at) VALUES (%s, 'Kia', 'Rio', 'New arrival.', %s, %s, %s, %s)",
                    (f"1NEWARRIVAL{page:04d}{n:02d}", Decimal(15000 + page * 7000), page * 9000,
                     2014 + page * 2, datetime.now(UTC) - timedelta(days=400 * n)),
                )  # fmt: skip

    seen = [vin for page in walk(f"sort={sort}&page_size=3", add_two) for vin in page]
    assert len(seen) == len(set(seen)), "a vehicle appeared twice"
    assert before <= set(seen), "a vehicle present from the start was skipped"


def test_a_cursor_page_takes_one_round_trip(
    fleet: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = get("sort=-price&page_size=2").json()["next_cursor"]
    with round_trips(monkeypatch) as sent:
        assert get(f"sort=-price&page_size=2&cursor={token}").status == 200
    assert len(sent) == 1


def signed(payload: dict[str, Any], secret: str = SECRET) -> str:
    body = json.dumps(payload).encode()
    signature = hmac.new(secret.encode(), body, hashlib.sha256).digest()[:16]
    return f"{_b64(body)}.{_b64(signature)}"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def genuine(query: str = "page_size=2") -> dict[str, Any]:
    token = get(query).json()["next_cursor"]
    payload: dict[str, Any] = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    return payload


def test_the_test_signs_as_the_api_does(fleet: Database) -> None:
    payload = genuine()
    reply = get(f"page_size=2&cursor={signed(payload)}")
    assert reply.status == 200
    assert letters([item["vin"] for item in reply.json()["items"]]) == "hg"


@pytest.mark.parametrize(
    "forge",
    [
        lambda _: "garbage",
        lambda _: "a.b.c",
        lambda _: "%%%.%%%",
        lambda _: "é.é",
        lambda p: signed(p)[:-2],
        lambda p: signed(p, secret="another deployment"),
        lambda p: signed(p).replace(".", "x."),
        lambda _: "x" * 600,
        lambda p: signed({**p, "k": "yesterday"}),
        lambda p: signed({**p, "k": "2024-05-01T09:00:00"}),  # no time zone
        lambda p: signed({**p, "v": "'; DROP TABLE vehicles; --"}),
        lambda p: signed({**p, "p": 0}),
        lambda p: signed({**p, "p": "3"}),
        lambda p: signed({**p, "extra": 1}),
        lambda p: signed({k: v for k, v in p.items() if k != "v"}),
        lambda _: signed([1, 2]),  # type: ignore[arg-type]
        lambda _: _b64(b"not json") + "." + _b64(b"x" * 16),
    ],
    ids=[
        "no-dot", "two-dots", "not-base64", "not-ascii", "cut-signature", "other-secret",
        "bad-padding", "too-long", "key-not-a-time", "key-naive-time", "vin-with-sql",
        "page-zero", "page-as-text", "extra-key", "missing-vin", "not-an-object", "unsigned-junk",
    ],
)  # fmt: skip
def test_a_garbled_or_forged_cursor_is_400_json(
    fleet: Database, forge: Callable[[dict[str, Any]], str]
) -> None:
    reply = get(f"page_size=2&cursor={forge(genuine())}")
    assert reply.status == 400
    assert reply.json() == {"detail": cursor.INVALID}
    assert_matches_openapi(reply, "GET", "/api/vehicles")
    assert len(stored_vins(fleet)) == 10


@pytest.mark.parametrize(
    ("sort", "key"),
    [("price", "NaN"), ("price", "-1"), ("price", "1e13"), ("year", "2.5"), ("year", "9" * 12)],
)
def test_a_forged_key_out_of_its_sorts_range_is_400(fleet: Database, sort: str, key: str) -> None:
    payload = {**genuine(f"sort={sort}&page_size=2"), "k": key}
    reply = get(f"sort={sort}&page_size=2&cursor={signed(payload)}")
    assert (reply.status, reply.json()) == (400, {"detail": cursor.INVALID})


@pytest.mark.parametrize(
    "other",
    ["sort=price&page_size=2", "make=toyota&page_size=2", "q=camry&page_size=2"],
)
def test_a_cursor_of_another_query_is_400_saying_so(fleet: Database, other: str) -> None:
    token = get("page_size=2").json()["next_cursor"]
    reply = get(f"{other}&cursor={token}")
    assert (reply.status, reply.json()) == (400, {"detail": cursor.MISMATCH})


def test_the_page_size_may_change_along_a_walk(fleet: Database) -> None:
    token = get("page_size=2").json()["next_cursor"]
    reply = get(f"page_size=5&cursor={token}")
    assert letters([item["vin"] for item in reply.json()["items"]]) == "hgefd"


def test_a_querys_fingerprint_is_the_one_cursors_already_issued_carry() -> None:
    # Digests of the first release of cursors: a deploy must not turn the cursors clients hold
    # into 400s (tuples hashed as JSON lists, Decimals as written, keys sorted).
    search = Search(
        makes=("bmw", "toyota"),
        price_max=Decimal("25000.50"),
        statuses=("sold",),
        q="panoramic sunroof",
        sort="-price",
    )
    assert search.fingerprint() == "5187f7a0a56c04e5f27920b7b46ffef8"
    assert Search().fingerprint() == "d1a342305513e1d077b7f7410f5f7512"
