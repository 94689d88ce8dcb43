"""The fast path of a route answers exactly as FastAPI's own handler, or steps aside for it."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import fastapi.routing
import pytest
from fastapi import APIRouter, Depends, HTTPException
from fastapi.routing import APIRoute

from shared.api import create_route, list_route, params, routes, update_route
from shared.api.app import create_app
from shared.api.fast_route import FastPathRoute
from shared.api.gateway import lambda_handler
from shared.data.database import Database
from tests.fixtures.api import insert_vehicle, make_vin, new_vehicle
from tests.fixtures.events import Reply, http_api_event, invoke

Build = Callable[[], APIRouter]


def _handler(build: Build, *, fast: bool) -> Any:
    """The function's handler, or (`fast=False`) the same routes on FastAPI's own APIRoute."""
    return lambda_handler(create_app(build() if fast else _plain_copy(build)))


def _plain_copy(build: Build) -> APIRouter:
    plain = APIRouter(tags=["vehicles"])  # route_class: FastAPI's APIRoute
    for route in build().routes:
        assert isinstance(route, APIRoute)
        plain.add_api_route(
            route.path,
            route.endpoint,
            methods=list(route.methods or []),
            status_code=route.status_code,
            response_model=route.response_model,
            dependencies=route.dependencies,
            responses=route.responses,
            include_in_schema=route.include_in_schema,
        )
    return plain


def _both(build: Build, event: dict[str, Any]) -> tuple[Reply, Reply]:
    return invoke(_handler(build, fast=True), event), invoke(_handler(build, fast=False), event)


@pytest.fixture
def api(app_env: pytest.MonkeyPatch, db: Database) -> Database:
    for serial in range(12):
        insert_vehicle(db, vin=make_vin(serial))
    return db


@pytest.mark.parametrize(
    "query",
    [
        "",
        "page=2&page_size=5",
        "page_size=100",
        "page=01",
        "page=1&page=2",
        "page=+2",
        "page= 2",
        "page=0",
        "page_size=101",
        "page=x",
        "page=",
        "page=99999999999999999999",
        "page=%EF%BC%92",  # a full-width digit two
        "other=1",
        # The query language: valid, invalid, repeated and unknown parameters.
        "make=Ford&make=toyota&sort=-price&count=exact",
        "model=F-150&year_min=2020&year_max=2020&price_max=50000.5",
        "year_min=2021&year_max=2020",
        "price_min=-1",
        "price_max=1.001",
        "mileage_max=1e3",
        "status=sold&status=pending&dealer=%20Dealer%201%20",
        "status=gone",
        "sort=cheapest",
        "sort=price&sort=-price",
        "count=all",
        "q=%22tow%20package%22%20-diesel",
        "q=" + "x" * 201,
        "q=a%00b",
        "cursor=garbled",
        "make=" + "&make=".join(["a"] * 21),
        "condition=used&condition=new",
    ],
    ids=lambda query: query or "no query",
)
def test_a_list_request_gets_the_answer_fastapi_gives(api: Database, query: str) -> None:
    event = http_api_event("GET", "/api/vehicles", query=query)
    fast, plain = _both(list_route.list_router, event)
    assert (fast.status, fast.json()) == (plain.status, plain.json())


@pytest.mark.parametrize(
    "vin", [make_vin(3), f" {make_vin(3).lower()} ", make_vin(99), "x"], ids=str.strip
)
def test_a_vin_request_gets_the_answer_fastapi_gives(api: Database, vin: str) -> None:
    event = http_api_event("GET", f"/api/vehicles/{vin.replace(' ', '%20')}")
    fast, plain = _both(routes.get_router, event)
    assert (fast.status, fast.json()) == (plain.status, plain.json())


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (new_vehicle(vin=make_vin(500)), "application/json"),
        (new_vehicle(vin=make_vin(3)), "application/json"),  # already taken: 409
        (new_vehicle(vin=make_vin(501)), "application/json; charset=utf-8"),
        (new_vehicle(vin=make_vin(502)), "application/vnd.api+json"),
        (new_vehicle(vin="short"), "application/json"),
        (new_vehicle(image_urls="not a list"), "application/json"),
        ([1, 2], "application/json"),
        ("{not json", "application/json"),
        ("", "application/json"),
        (new_vehicle(vin=make_vin(503)), "text/plain"),
    ],
    ids=[
        "new",
        "taken",
        "charset",
        "+json",
        "bad vin",
        "bad urls",
        "list",
        "malformed",
        "empty",
        "not json",
    ],
)
def test_a_create_request_gets_the_answer_fastapi_gives(
    api: Database, db: Database, body: Any, content_type: str
) -> None:
    text = body if isinstance(body, str) else json.dumps(body)
    event = http_api_event(
        "POST", "/api/vehicles", body=text, headers={"Content-Type": content_type}
    )
    fast = invoke(_handler(create_route.create_router, fast=True), event)
    if fast.status == 201:  # the plain handler must find the table as the fast one did
        with db.transaction() as conn:
            conn.execute("DELETE FROM vehicles WHERE vin = %s", [fast.json()["vin"]])
    plain = invoke(_handler(create_route.create_router, fast=False), event)
    assert _comparable(fast) == _comparable(plain)


MERGE_PATCH = update_route.MERGE_PATCH
# (body, Content-Type, VIN, If-Match): each change the same both times.
UPDATES: list[tuple[str, Any, str, str, str | None]] = [
    ("price", {"price": 19999.99}, MERGE_PATCH, make_vin(3), None),
    ("json", {"status": "pending"}, "application/json", make_vin(3), None),
    ("charset", {"mileage": 5}, f"{MERGE_PATCH}; charset=utf-8", make_vin(3), None),
    ("+json", {"mileage": 6}, "application/vnd.api+json", make_vin(3), None),
    ("nulls clear", {"trim": None, "equipment": None}, MERGE_PATCH, make_vin(3), None),
    ("any case", {"price": 1}, MERGE_PATCH, f" {make_vin(3).lower()} ", None),
    ("unknown", {"price": 1}, MERGE_PATCH, make_vin(99), None),
    ("stale etag", {"price": 1}, MERGE_PATCH, make_vin(3), '"1-1"'),
    ("any etag", {"price": 2}, MERGE_PATCH, make_vin(3), "*"),
    ("year of a short vin", {"year": 2020}, MERGE_PATCH, "ABC12", None),
    ("bad price", {"price": -1}, MERGE_PATCH, make_vin(3), None),
    ("null status", {"status": None}, MERGE_PATCH, make_vin(3), None),
    ("read-only", {"created_at": "2020-01-01"}, MERGE_PATCH, make_vin(3), None),
    ("list", [1, 2], MERGE_PATCH, make_vin(3), None),
    ("malformed", "{not json", MERGE_PATCH, make_vin(3), None),
    ("empty", "", MERGE_PATCH, make_vin(3), None),
    ("not json", {"price": 1}, "text/plain", make_vin(3), None),
]


@pytest.mark.parametrize("case", UPDATES, ids=[case[0] for case in UPDATES])
def test_an_update_request_gets_the_answer_fastapi_gives(
    api: Database, case: tuple[str, Any, str, str, str | None]
) -> None:
    _, body, content_type, vin, if_match = case
    headers = {"Content-Type": content_type, **({"If-Match": if_match} if if_match else {})}
    text = body if isinstance(body, str) else json.dumps(body)
    path = f"/api/vehicles/{vin.replace(' ', '%20')}"
    event = http_api_event("PATCH", path, body=text, headers=headers)
    fast, plain = _both(update_route.update_router, event)
    assert _comparable(fast) == _comparable(plain)


def _comparable(reply: Reply) -> tuple[int, Any, str | None]:
    body = reply.json()
    if isinstance(body, dict):
        body.pop("created_at", None)  # the moment of each insert, and so its ETag
        body.pop("updated_at", None)
    return reply.status, body, reply.headers.get("location")


def test_a_route_dependency_the_fast_path_does_not_know_always_runs(api: Database) -> None:
    async def refuse() -> None:
        raise HTTPException(403, "Refused.")

    router = APIRouter(route_class=FastPathRoute)
    router.get("/api/vehicles/{vin}", dependencies=[Depends(refuse)])(routes.vehicle_by_vin)
    reply = invoke(lambda_handler(create_app(router)), http_api_event("GET", "/api/vehicles/x"))
    assert (reply.status, reply.json()) == (403, {"detail": "Refused."})


def test_overridden_dependencies_take_fastapi_s_path(api: Database) -> None:
    async def refuse() -> None:
        raise HTTPException(403, "Refused.")

    app = create_app(create_route.create_router())
    app.dependency_overrides[params.require_json] = refuse
    event = http_api_event("POST", "/api/vehicles", body=json.dumps(new_vehicle(vin=make_vin(600))))
    reply = invoke(lambda_handler(app), event)
    assert (reply.status, reply.json()) == (403, {"detail": "Refused."})


def test_a_plainly_valid_request_skips_fastapi_s_dependency_solving(
    api: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    solved: list[object] = []
    solve = fastapi.routing.solve_dependencies  # type: ignore[attr-defined]

    async def counted(*args: Any, **kwargs: Any) -> Any:
        solved.append(kwargs.get("dependant"))
        return await solve(*args, **kwargs)

    monkeypatch.setattr(fastapi.routing, "solve_dependencies", counted)
    handler = _handler(list_route.list_router, fast=True)
    assert invoke(handler, http_api_event("GET", "/api/vehicles", query="page=2")).status == 200
    assert solved == []
    assert invoke(handler, http_api_event("GET", "/api/vehicles", query="page=0")).status == 422
    assert len(solved) == 1


def test_a_plainly_valid_patch_through_mangum_skips_fastapi_s_dependency_solving(
    api: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    solved: list[object] = []
    solve = fastapi.routing.solve_dependencies  # type: ignore[attr-defined]

    async def counted(*args: Any, **kwargs: Any) -> Any:
        solved.append(kwargs.get("dependant"))
        return await solve(*args, **kwargs)

    monkeypatch.setattr(fastapi.routing, "solve_dependencies", counted)
    handler = lambda_handler(create_app(update_route.update_router()), direct=False)
    headers = {"Content-Type": MERGE_PATCH}
    path = f"/api/vehicles/{make_vin(3)}"
    ok = http_api_event("PATCH", path, body='{"price": 1}', headers=headers)
    assert invoke(handler, ok).status == 200
    assert solved == []
    bad = http_api_event("PATCH", path, body='{"price": "x"}', headers=headers)
    assert invoke(handler, bad).status == 422
    assert len(solved) == 1
