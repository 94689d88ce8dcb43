"""An answer given straight from the event (`shared.api.direct`) is, byte for byte, the answer
Mangum and FastAPI give to the same event: status, headers in order, body, the access line."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from fastapi import APIRouter

from shared.api import create_route, direct, health, lifecycle, list_route, routes, update_route
from shared.api.app import MAX_BODY_BYTES, create_app
from shared.api.gateway import lambda_handler
from shared.data.database import Database
from shared.ops.settings import get_settings
from tests.fixtures.api import insert_vehicle, make_vin, new_vehicle, unreachable_database_url
from tests.fixtures.auth import SigningKey, create_key, sign
from tests.fixtures.events import Event, LambdaContext, http_api_event, rest_api_event

VIN = make_vin(3)
JSON = {"Content-Type": "application/json"}
# What differs from one request to the next however it is served: the moment, the duration.
_MOMENT = re.compile(r'("(?:created_at|updated_at|timestamp)" ?: ?)"[^"]*"|"\d{16}-\d+"')
_VARYING = ("timestamp", "duration_ms", "Latency", "DatabaseTime", "message", "cold_start", "_aws")


def _v1(method: str, path: str, *, query: dict[str, list[str]] | None = None) -> Event:
    event = rest_api_event(method, path)
    event["multiValueQueryStringParameters"] = query
    event["queryStringParameters"] = {k: v[-1] for k, v in (query or {}).items()} or None
    return event


def _v1_post(body: bytes, *, base64_body: bool = False, **headers: str) -> Event:
    event = rest_api_event("POST", "/api/vehicles")
    event["resource"] = "/api/vehicles"
    event["headers"].update({"Content-Type": "application/json", **headers})
    event["multiValueHeaders"]["Content-Type"] = [event["headers"]["Content-Type"]]
    event["body"] = base64.b64encode(body).decode() if base64_body else body.decode()
    event["isBase64Encoded"] = base64_body
    return event


def _post(body: Any, content_type: str = "application/json", **options: Any) -> Event:
    text = body if isinstance(body, str | bytes) else json.dumps(body)
    headers = {"Content-Type": content_type, **options.pop("headers", {})}
    return http_api_event("POST", "/api/vehicles", body=text, headers=headers, **options)


def _without(event: Event, header: str) -> Event:
    event["headers"].pop(header, None)
    return event


def _with(event: Event, **changes: Any) -> Event:
    event.update(changes)
    return event


GET = "GET"
MERGE_PATCH = update_route.MERGE_PATCH
QUERIES = ["page=2&page_size=5", "page_size=100", "page=01", "page=0", "page_size=101", "page=x"]
QUERIES += ["page=", "page=%EF%BC%92", "other=1", "page=99999999999999999999"]
DOWN = {"DATABASE_URL": unreachable_database_url()}
Case = tuple[str, Callable[[], APIRouter], Callable[[], Event], dict[str, str]]


def _get(path: str, **options: Any) -> Event:
    return http_api_event(GET, path, **options)


CASES: list[Case] = [
    ("health", health.health_router, lambda: _get("/health"), {}),
    ("health head", health.health_router, lambda: http_api_event("HEAD", "/health"), {}),
    ("health ready", health.health_router, lambda: _get("/health/ready"), {}),
    ("health ready down", health.health_router, lambda: _get("/health/ready"), DOWN),
    ("health post", health.health_router, lambda: http_api_event("POST", "/health"), {}),
    ("vin", routes.get_router, lambda: _get(f"/api/vehicles/{VIN}"), {}),
    ("vin any case", routes.get_router, lambda: _get(f"/api/vehicles/%20{VIN.lower()}%20"), {}),
    ("vin unknown", routes.get_router, lambda: _get(f"/api/vehicles/{make_vin(99)}"), {}),
    ("vin nul", routes.get_router, lambda: _get("/api/vehicles/a%00b"), {}),
    ("vin slash", routes.get_router, lambda: _get("/api/vehicles/a%2Fb"), {}),
    ("vin trailing slash", routes.get_router, lambda: _get(f"/api/vehicles/{VIN}/"), {}),
    ("vin unicode", routes.get_router, lambda: _get("/api/vehicles/%C5%BF%C3%A9"), {}),
    (
        "vin if-none-match *",
        routes.get_router,
        lambda: _get(f"/api/vehicles/{VIN}", headers={"If-None-Match": "*"}),
        {},
    ),
    (
        "vin if-none-match other",
        routes.get_router,
        lambda: _get(f"/api/vehicles/{VIN}", headers={"If-None-Match": '"1-1", W/"2-2"'}),
        {},
    ),
    ("vin v1", routes.get_router, lambda: rest_api_event(GET, f"/api/vehicles/{VIN}"), {}),
    ("vin stage", routes.get_router, lambda: _get(f"/api/vehicles/{VIN}", stage="dev"), {}),
    ("vin head", routes.get_router, lambda: http_api_event("HEAD", f"/api/vehicles/{VIN}"), {}),
    ("vin post", routes.get_router, lambda: http_api_event("POST", f"/api/vehicles/{VIN}"), {}),
    (
        "vin no origin",
        routes.get_router,
        lambda: _without(http_api_event(GET, f"/api/vehicles/{VIN}"), "origin"),
        {},
    ),
    (
        "vin origin allowed",
        routes.get_router,
        lambda: _get(f"/api/vehicles/{VIN}"),
        {"CORS_ORIGINS": "https://a.example, https://inventory.example.com"},
    ),
    (
        "vin origin refused",
        routes.get_router,
        lambda: _get(f"/api/vehicles/{VIN}"),
        {"CORS_ORIGINS": "https://a.example"},
    ),
    (
        "vin v1 origin allowed",
        routes.get_router,
        lambda: rest_api_event(GET, f"/api/vehicles/{VIN}"),
        {"CORS_ORIGINS": "https://inventory.example.com"},
    ),
    (
        "vin preflight",
        routes.get_router,
        lambda: http_api_event(
            "OPTIONS", f"/api/vehicles/{VIN}", headers={"Access-Control-Request-Method": "GET"}
        ),
        {},
    ),
    (
        "vin cookies",
        routes.get_router,
        lambda: _with(http_api_event(GET, f"/api/vehicles/{VIN}"), cookies=["a=1", "b=2"]),
        {},
    ),
    ("vin auth read", routes.get_router, lambda: _get(f"/api/vehicles/{VIN}"), {"AUTH_READ": "on"}),
    (
        "vin body too long",
        routes.get_router,
        lambda: _get(f"/api/vehicles/{VIN}", headers={"Content-Length": str(MAX_BODY_BYTES + 1)}),
        {},
    ),
    (
        "vin database down",
        routes.get_router,
        lambda: _get(f"/api/vehicles/{VIN}"),
        {"DATABASE_URL": unreachable_database_url()},
    ),
    ("vin unknown path", routes.get_router, lambda: _get("/api/other"), {}),
    ("list", list_route.list_router, lambda: _get("/api/vehicles"), {}),
    ("list slash", list_route.list_router, lambda: _get("/api/vehicles/"), {}),
    (
        "list stage",
        list_route.list_router,
        lambda: _get("/api/vehicles", query="page=2&page_size=5", stage="dev"),
        {},
    ),
    (
        "list v1",
        list_route.list_router,
        lambda: _v1(GET, "/api/vehicles", query={"page": ["2"], "page_size": ["3"]}),
        {},
    ),
    (
        "list v1 repeated",
        list_route.list_router,
        lambda: _v1(GET, "/api/vehicles", query={"page": ["1", "2"]}),
        {},
    ),
    *[
        (f"list {query}", list_route.list_router, partial(_get, "/api/vehicles", query=query), {})
        for query in QUERIES
    ],
    ("post", create_route.create_router, lambda: _post(new_vehicle(vin=make_vin(500))), {}),
    ("post taken", create_route.create_router, lambda: _post(new_vehicle(vin=VIN)), {}),
    (
        "post charset",
        create_route.create_router,
        lambda: _post(new_vehicle(vin=make_vin(501)), "application/json; charset=utf-8"),
        {},
    ),
    (
        "post +json",
        create_route.create_router,
        lambda: _post(new_vehicle(vin=make_vin(502)), "application/vnd.api+json"),
        {},
    ),
    (
        "post text",
        create_route.create_router,
        lambda: _post(new_vehicle(vin=make_vin(503)), "text/plain"),
        {},
    ),
    ("post bad vin", create_route.create_router, lambda: _post(new_vehicle(vin="short")), {}),
    ("post malformed", create_route.create_router, lambda: _post("{not json"), {}),
    ("post empty", create_route.create_router, lambda: _post(""), {}),
    ("post lone surrogate", create_route.create_router, lambda: _post('{"vin": "\\ud800"}'), {}),
    (
        "post base64",
        create_route.create_router,
        lambda: _post(new_vehicle(vin=make_vin(504)), base64_body=True),
        {},
    ),
    (
        "post base64 latin-1",
        create_route.create_router,
        lambda: _post(
            json.dumps(new_vehicle(vin=make_vin(505), make="Citroën")).encode("latin-1"),
            base64_body=True,
        ),
        {},
    ),
    (
        "post v1",
        create_route.create_router,
        lambda: _v1_post(json.dumps(new_vehicle(vin=make_vin(506))).encode()),
        {},
    ),
    (
        "post v1 base64",
        create_route.create_router,
        lambda: _v1_post(json.dumps(new_vehicle(vin=make_vin(507))).encode(), base64_body=True),
        {},
    ),
    (
        "post length differs",
        create_route.create_router,
        lambda: _post(new_vehicle(vin=make_vin(508)), headers={"Content-Length": "5"}),
        {},
    ),
    (
        "post too large",
        create_route.create_router,
        lambda: _post({"vin": "x" * MAX_BODY_BYTES}),
        {},
    ),
    (
        "post auth missing",
        create_route.create_router,
        lambda: _post(new_vehicle(vin=make_vin(509))),
        {"AUTH_WRITE": "on"},
    ),
    (
        "post auth unknown key",
        create_route.create_router,
        lambda: _post(new_vehicle(vin=make_vin(510)), headers={"X-API-Key": "vik_nope"}),
        {"AUTH_WRITE": "on"},
    ),
    (
        "post auth bad prefix",
        create_route.create_router,
        lambda: _post(new_vehicle(vin=make_vin(511)), headers={"X-API-Key": "nope"}),
        {"AUTH_WRITE": "on"},
    ),
    (
        "post auth both",
        create_route.create_router,
        lambda: _post(
            new_vehicle(vin=make_vin(512)),
            headers={"X-API-Key": "vik_a", "Authorization": "Bearer b"},
        ),
        {"AUTH_WRITE": "on"},
    ),
    (
        "post database down",
        create_route.create_router,
        lambda: _post(new_vehicle(vin=make_vin(513))),
        {"DATABASE_URL": unreachable_database_url()},
    ),
    (
        "post preflight",
        create_route.create_router,
        lambda: http_api_event(
            "OPTIONS", "/api/vehicles", headers={"Access-Control-Request-Method": "POST"}
        ),
        {},
    ),
    ("post get", create_route.create_router, lambda: _get("/api/vehicles"), {}),
    # DELETE, whose every request is plain: the answers that leave the table as it was.
    ("delete unknown", lifecycle.delete_router, lambda: _delete(make_vin(97)), {}),
    ("delete short vin", lifecycle.delete_router, lambda: _delete("short"), {}),
    ("delete stale etag", lifecycle.delete_router, lambda: _delete(VIN, {"If-Match": '"1-1"'}), {}),
    ("delete stage", lifecycle.delete_router, lambda: _delete(make_vin(97), stage="dev"), {}),
    ("delete auth missing", lifecycle.delete_router, lambda: _delete(VIN), {"AUTH_WRITE": "on"}),
    (
        "delete auth unknown key",
        lifecycle.delete_router,
        lambda: _delete(VIN, {"X-API-Key": "vik_nope"}),
        {"AUTH_WRITE": "on"},
    ),
    (
        "delete database down",
        lifecycle.delete_router,
        lambda: _delete(VIN),
        {"DATABASE_URL": unreachable_database_url()},
    ),
    # PATCH: each change the same both times (an answer the second request gives again).
    *[
        (f"patch {name}", update_route.update_router, make_event, env)
        for name, make_event, env in [
            ("price", lambda: _patch({"price": 18500, "mileage": 1200}), {}),
            ("application/json", lambda: _patch({"status": "pending"}, "application/json"), {}),
            ("charset", lambda: _patch({"price": 1}, f"{MERGE_PATCH}; charset=utf-8"), {}),
            ("other +json", lambda: _patch({"price": 2}, "application/vnd.api+json"), {}),
            ("upper-case type", lambda: _patch({"price": 3}, "Application/Merge-Patch+JSON"), {}),
            ("nulls clear", lambda: _patch({"trim": None, "equipment": None, "price": None}), {}),
            ("nothing", lambda: _patch({}), {}),
            ("unknown field", lambda: _patch({"colour": "red", "price": 4}), {}),
            ("any case vin", lambda: _patch({"price": 5}, vin=f"%20{VIN.lower()}"), {}),
            ("unknown", lambda: _patch({"price": 6}, vin=make_vin(97)), {}),
            ("short vin", lambda: _patch({"price": 7}, vin="short"), {}),
            ("bad vin", lambda: _patch({"price": 7}, vin="a%00b"), {}),
            ("stale etag", lambda: _patch({"price": 8}, headers={"If-Match": '"1-1"'}), {}),
            ("any etag", lambda: _patch({"price": 9}, headers={"If-Match": "*"}), {}),
            ("stage", lambda: _patch({"price": 10}, stage="dev"), {}),
            ("text", lambda: _patch({"price": 11}, "text/plain"), {}),
            ("no content type", lambda: _patch({"price": 12}, None), {}),
            ("bad price", lambda: _patch({"price": "cheap"}), {}),
            ("null make", lambda: _patch({"make": None}), {}),
            ("read-only vin", lambda: _patch({"vin": make_vin(1)}), {}),
            ("list body", lambda: _patch([1, 2]), {}),
            ("null body", lambda: _patch("null"), {}),
            ("malformed", lambda: _patch("{not json"), {}),
            ("empty", lambda: _patch(""), {}),
            ("lone surrogate", lambda: _patch('{"trim": "\\ud800"}'), {}),
            ("year of a short vin", lambda: _patch({"year": 2020}, vin="ABC12"), {}),
            ("year ok", lambda: _patch({"year": 2004}), {}),
            ("base64", lambda: _patch({"price": 13}, base64_body=True), {}),
            ("length differs", lambda: _patch({"price": 14}, headers={"Content-Length": "5"}), {}),
            ("auth missing", lambda: _patch({"price": 15}), {"AUTH_WRITE": "on"}),
            (
                "auth unknown key",
                lambda: _patch({"price": 16}, headers={"X-API-Key": "vik_nope"}),
                {"AUTH_WRITE": "on"},
            ),
            (
                "auth bad prefix",
                lambda: _patch({"price": 17}, headers={"X-API-Key": "nope"}),
                {"AUTH_WRITE": "on"},
            ),
            (
                "auth missing, body invalid",
                lambda: _patch({"price": "cheap"}),
                {"AUTH_WRITE": "on"},
            ),
            (
                "auth missing, year problem",
                lambda: _patch({"year": 2020}, vin="ABC12"),
                {"AUTH_WRITE": "on"},
            ),
            ("database down", lambda: _patch({"price": 18}), DOWN),
            (
                "preflight",
                lambda: http_api_event(
                    "OPTIONS",
                    f"/api/vehicles/{VIN}",
                    headers={"Access-Control-Request-Method": "PATCH"},
                ),
                {},
            ),
        ]
    ],
]


def _patch(
    body: Any,
    content_type: str | None = MERGE_PATCH,
    *,
    vin: str = VIN,
    headers: dict[str, str] | None = None,
    **options: Any,
) -> Event:
    text = body if isinstance(body, str | bytes) else json.dumps(body)
    given = {**({} if content_type is None else {"Content-Type": content_type}), **(headers or {})}
    event = http_api_event("PATCH", f"/api/vehicles/{vin}", body=text, headers=given, **options)
    return event if content_type is not None else _without(event, "content-type")


def _delete(vin: str, headers: dict[str, str] | None = None, **options: Any) -> Event:
    return http_api_event("DELETE", f"/api/vehicles/{vin}", headers=headers, **options)


def _served(handler: Any, event: Event, capsys: pytest.CaptureFixture[str]) -> tuple[Any, ...]:
    """The answer with what varies per request masked, and the lines the request logged."""
    capsys.readouterr()
    answer = handler(json.loads(json.dumps(event)), LambdaContext())
    lines = []
    for line in capsys.readouterr().out.splitlines():
        record = json.loads(line)
        if "ColdStart" in record:  # the first invocation of the process only
            continue
        if "exception" in record:  # the same error, raised through other frames
            record["exception"] = record["exception"].splitlines()[-1]
            trace = record.pop("stack_trace")
            record["raised"] = (trace["type"], trace["value"])
        lines.append({k: v for k, v in record.items() if k not in _VARYING})
    headers = [(k, _MOMENT.sub(r"\1", v)) for k, v in (answer.get("headers") or {}).items()]
    body = _MOMENT.sub(r"\1", answer.get("body", ""))
    rest = {k: v for k, v in answer.items() if k not in ("headers", "body")}
    return rest, headers, body, lines


@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
def test_a_direct_answer_is_the_answer_mangum_and_fastapi_give(
    app_env: pytest.MonkeyPatch, db: Database, capsys: pytest.CaptureFixture[str], case: Case
) -> None:
    _, build, make_event, env = case
    insert_vehicle(db, vin=VIN)
    for name, value in env.items():
        app_env.setenv(name, value)
    get_settings.cache_clear()
    event = make_event()
    app = create_app(build())
    fast = _served(lambda_handler(app), event, capsys)
    with db.transaction() as conn:  # the second must find the table as the first did
        conn.execute("DELETE FROM vehicles WHERE vin <> %s", [VIN])
    plain = _served(lambda_handler(app, direct=False), event, capsys)
    assert fast == plain


@pytest.mark.parametrize("if_match", [None, "*"], ids=["unconditional", "any-etag"])
def test_a_direct_delete_is_the_delete_mangum_and_fastapi_do(
    app_env: pytest.MonkeyPatch,
    db: Database,
    capsys: pytest.CaptureFixture[str],
    if_match: str | None,
) -> None:
    app = create_app(lifecycle.delete_router())
    event = _delete(VIN, {"If-Match": if_match} if if_match else None)
    answers = []
    for handler in (lambda_handler(app), lambda_handler(app, direct=False)):
        insert_vehicle(db, vin=VIN)
        answers.append(_served(handler, event, capsys))
        assert db.fetch_one("SELECT count(*) FROM vehicles WHERE vin = %s", [VIN], retry=True) == (
            0,
        )
    assert answers[0] == answers[1]
    assert answers[0][0]["statusCode"] == 204


_DEALER = {"app_metadata": {"inventory_role": "writer", "dealer_names": ["Another dealer"]}}
Credential = Callable[[Database, dict[str, SigningKey]], dict[str, str]]
# Write auth on (`auth_env`): a credential made from the test's keys, and the status it earns.
CREDENTIALS: list[tuple[str, Credential, int]] = [
    ("writer token", lambda _db, keys: _bearer(sign(keys["es"])), 200),
    ("token without the role", lambda _db, keys: _bearer(sign(keys["es"], app_metadata={})), 403),
    ("token of another dealer", lambda _db, keys: _bearer(sign(keys["es"], **_DEALER)), 403),
    ("expired token", lambda _db, keys: _bearer(sign(keys["es"], exp=1)), 401),
    ("write key", lambda db, _keys: {"X-API-Key": create_key(db)}, 200),
    ("read key", lambda db, _keys: {"X-API-Key": create_key(db, scopes=("read",))}, 403),
    ("write key as bearer", lambda db, _keys: _bearer(create_key(db)), 200),
]


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("case", CREDENTIALS, ids=[case[0] for case in CREDENTIALS])
def test_a_direct_patch_with_a_credential_is_the_patch_mangum_and_fastapi_do(
    auth_env: pytest.MonkeyPatch,
    db: Database,
    signing_keys: dict[str, SigningKey],
    capsys: pytest.CaptureFixture[str],
    case: tuple[str, Credential, int],
) -> None:
    _, credential, status = case
    insert_vehicle(db, vin=VIN)  # of no dealer: a scoped token may not change it
    app = create_app(update_route.update_router())
    event = _patch({"price": 17500}, headers=credential(db, signing_keys))
    fast = _served(lambda_handler(app), event, capsys)
    assert fast == _served(lambda_handler(app, direct=False), event, capsys)
    assert fast[0]["statusCode"] == status


def test_plainly_valid_requests_are_answered_without_mangum(
    app_env: pytest.MonkeyPatch, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    insert_vehicle(db, vin=VIN)
    direct_answers: list[int] = []
    answer = direct.DirectRoutes.__call__

    def counted(self: direct.DirectRoutes, event: Event) -> Any:
        result = answer(self, event)
        direct_answers.append(0 if result is None else result["statusCode"])
        return result

    monkeypatch.setattr(direct.DirectRoutes, "__call__", counted)
    for build, event in [
        (health.health_router, _get("/health")),
        (routes.get_router, http_api_event(GET, f"/api/vehicles/{VIN}")),
        (routes.get_router, http_api_event(GET, f"/api/vehicles/{make_vin(98)}")),
        (list_route.list_router, http_api_event(GET, "/api/vehicles", query="page=1&page_size=10")),
        (create_route.create_router, _post(new_vehicle(vin=make_vin(600)))),
        (list_route.list_router, http_api_event(GET, "/api/vehicles", query="page=0")),
        (update_route.update_router, _patch({"price": 100})),
        (update_route.update_router, _patch({"year": 2020}, vin="ABC12")),
        (update_route.update_router, _patch({"price": 100}, "text/plain")),
        (lifecycle.delete_router, _delete(VIN)),
    ]:
        lambda_handler(create_app(build()))(event, LambdaContext())
    # page=0 is FastAPI's 422, and so are a short VIN's new year and a text body's 415
    assert direct_answers == [200, 200, 404, 200, 201, 0, 200, 0, 0, 204]
