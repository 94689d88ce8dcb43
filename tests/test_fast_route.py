"""The fast path of a route answers exactly as FastAPI's own handler, or steps aside for it."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import fastapi.routing
import pytest
from fastapi import APIRouter, Depends, HTTPException
from fastapi.routing import APIRoute

from shared.api import create_route, list_route, params, routes
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
