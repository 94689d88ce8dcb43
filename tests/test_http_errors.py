"""The edges every function shares: CORS, 404/405, 413, bad JSON, 503, 500, and event shapes."""

from __future__ import annotations

import base64
import importlib
import json
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import psycopg
import pytest

from functions import create_vehicle, docs, get_vehicle, health, list_vehicles
from shared.api.app import MAX_BODY_BYTES
from shared.data import vehicles
from shared.data.database import Database
from shared.ops.settings import get_settings
from tests.fixtures.api import (
    assert_matches_openapi,
    insert_vehicle,
    new_vehicle,
    stored_vins,
    unreachable_database_url,
)
from tests.fixtures.events import http_api_event, invoke, rest_api_event

VIN = "1HGCM82633A004352"
APP = "https://inventory.example.com"


@pytest.fixture
def api(app_env: pytest.MonkeyPatch, db: Database) -> Database:
    """Every function pointed at an inventory holding one vehicle, `VIN`."""
    insert_vehicle(db, vin=VIN)
    return db


@pytest.fixture
def empty(app_env: pytest.MonkeyPatch, db: Database) -> Database:
    """Every function pointed at an empty inventory."""
    return db


@pytest.fixture
def fresh_container() -> Iterator[list[ModuleType]]:
    """Function modules imported anew, as a new container does (and again after the test)."""
    modules = [health, list_vehicles, get_vehicle, create_vehicle]
    fresh = [importlib.reload(module) for module in modules]
    yield fresh
    for module in modules:
        importlib.reload(module)


def preflight(origin: str, method: str = "POST") -> dict[str, Any]:
    return http_api_event(
        "OPTIONS",
        "/api/vehicles",
        headers={
            "origin": origin,
            "access-control-request-method": method,
            "access-control-request-headers": "content-type",
        },
    )


# --- CORS -------------------------------------------------------------------------------------


@pytest.mark.parametrize("module", [list_vehicles, create_vehicle], ids=["list", "create"])
def test_a_preflight_is_answered_by_every_function_for_any_origin_by_default(
    module: ModuleType,
) -> None:
    reply = invoke(module.handler, preflight("https://anywhere.example"))
    assert reply.status == 200
    assert reply.headers["access-control-allow-origin"] == "*"
    assert set(reply.headers["access-control-allow-methods"].split(", ")) >= {"GET", "POST"}
    assert "content-type" in reply.headers["access-control-allow-headers"].lower()
    assert reply.headers["access-control-max-age"] == "600"


def test_answers_carry_the_allow_origin_header(api: Database) -> None:
    reply = invoke(get_vehicle.handler, http_api_event("GET", f"/api/vehicles/{VIN}"))
    assert reply.headers["access-control-allow-origin"] == "*"


def test_only_the_configured_origins_are_allowed(
    api: Database, monkeypatch: pytest.MonkeyPatch, fresh_container: list[ModuleType]
) -> None:
    monkeypatch.setenv("CORS_ORIGINS", f"{APP}, http://localhost:3001")
    get_settings.cache_clear()  # settings are read once per container: this is a new one
    allowed = invoke(list_vehicles.handler, http_api_event("GET", headers={"origin": APP}))
    assert allowed.headers["access-control-allow-origin"] == APP
    stranger = "https://evil.example"
    other = invoke(list_vehicles.handler, http_api_event("GET", headers={"origin": stranger}))
    assert other.status == 200
    assert "access-control-allow-origin" not in other.headers
    refused = invoke(create_vehicle.handler, preflight(stranger))
    assert (refused.status, refused.json()) == (400, {"detail": "Disallowed CORS origin."})
    assert invoke(create_vehicle.handler, preflight("http://localhost:3001")).status == 200


# --- routing errors ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("module", "method", "path", "status"),
    [
        (list_vehicles, "GET", "/api/cars", 404),
        (get_vehicle, "GET", "/api/vehicles/", 404),
        (health, "GET", "/docs", 404),
        (list_vehicles, "POST", "/api/vehicles", 405),
        (get_vehicle, "DELETE", f"/api/vehicles/{VIN}", 405),
        (create_vehicle, "PUT", "/api/vehicles", 405),
    ],
    ids=[
        "unknown-path",
        "empty-vin",
        "docs-only-in-docs-function",
        "post-to-list",
        "delete",
        "put",
    ],
)
def test_unknown_paths_are_404_and_wrong_methods_405_as_json(
    api: Database, module: ModuleType, method: str, path: str, status: int
) -> None:
    reply = invoke(module.handler, http_api_event(method, path))
    assert reply.status == status
    assert reply.json() == {"detail": "Not Found" if status == 404 else "Method Not Allowed"}


# --- request bodies ---------------------------------------------------------------------------


def padded_body(size: int) -> str:
    """A valid vehicle whose JSON is exactly `size` bytes (unknown fields are ignored)."""
    body = json.dumps({**new_vehicle(), "padding": ""})
    return body[:-2] + "x" * (size - len(body)) + body[-2:]


def test_a_body_of_exactly_one_megabyte_is_accepted(api: Database) -> None:
    event = http_api_event("POST", body=padded_body(MAX_BODY_BYTES))
    assert invoke(create_vehicle.handler, event).status == 409  # read and validated: VIN taken


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "no-content-length"])
def test_a_body_over_one_megabyte_is_413_and_not_stored(empty: Database, declared: bool) -> None:
    event = http_api_event("POST", body=padded_body(MAX_BODY_BYTES + 1))
    if not declared:
        del event["headers"]["content-length"]
    reply = invoke(create_vehicle.handler, event)
    assert reply.status == 413
    assert "1 MB" in reply.json()["detail"]
    assert reply.headers["access-control-allow-origin"] == "*"
    assert stored_vins(empty) == []
    assert_matches_openapi(reply, "POST", "/api/vehicles")


@pytest.mark.parametrize(
    "body",
    ['{"vin": "1HGCM82633A004352",', "vin=1HGCM82633A004352", "{'vin': 'x'}"],
    ids=["truncated", "form-encoded", "single-quotes"],
)
def test_malformed_json_is_400_with_a_clear_message(api: Database, body: str) -> None:
    reply = invoke(create_vehicle.handler, http_api_event("POST", body=body))
    assert reply.status == 400
    assert reply.json()["detail"].startswith("Malformed JSON: ")
    assert_matches_openapi(reply, "POST", "/api/vehicles")


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", None],
    ids=["text", "form", "missing"],
)
def test_a_body_that_is_not_declared_json_is_415(api: Database, content_type: str | None) -> None:
    event = http_api_event("POST", body=json.dumps(new_vehicle(vin="ABC12")))
    if content_type is None:
        del event["headers"]["content-type"]
    else:
        event["headers"]["content-type"] = content_type
    reply = invoke(create_vehicle.handler, event)
    assert (reply.status, reply.json()) == (
        415,
        {"detail": "Content-Type must be application/json."},
    )
    assert stored_vins(api) == [VIN]


def test_a_base64_encoded_body_is_decoded(empty: Database) -> None:
    event = http_api_event("POST", body=json.dumps(new_vehicle()), base64_body=True)
    assert base64.b64decode(event["body"])  # really encoded
    assert invoke(create_vehicle.handler, event).status == 201
    assert stored_vins(empty) == [VIN]


# --- database and unexpected failures ---------------------------------------------------------


@pytest.mark.parametrize(
    ("module", "method", "path", "body"),
    [
        (list_vehicles, "GET", "/api/vehicles", None),
        (get_vehicle, "GET", f"/api/vehicles/{VIN}", None),
        (create_vehicle, "POST", "/api/vehicles", json.dumps(new_vehicle())),
        (health, "GET", "/health/ready", None),
    ],
    ids=["list", "get", "create", "ready"],
)
def test_an_unreachable_database_is_503_with_retry_after(
    monkeypatch: pytest.MonkeyPatch, module: ModuleType, method: str, path: str, body: str | None
) -> None:
    monkeypatch.setenv("DATABASE_URL", unreachable_database_url())
    reply = invoke(module.handler, http_api_event(method, path, body=body))
    assert (reply.status, reply.json()) == (503, {"detail": "Database unavailable."})
    assert reply.headers["retry-after"] == "5"
    assert_matches_openapi(reply, method, path.replace(VIN, "{vin}"))


def test_a_request_logs_one_access_line_and_never_the_database_password(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = unreachable_database_url()
    monkeypatch.setenv("DATABASE_URL", url)
    event = http_api_event("GET", f"/api/vehicles/{VIN}")
    invoke(get_vehicle.handler, event)
    out = capsys.readouterr().out
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    logs = [line for line in lines if "message" in line]  # the ColdStart metric has none
    [access] = [line for line in logs if "duration_ms" in line]
    assert (access["http_method"], access["route"], access["status"]) == (
        "GET",
        "/api/vehicles/{vin}",
        503,
    )
    assert {line["correlation_id"] for line in logs} == {event["requestContext"]["requestId"]}
    [error] = error_lines(out)
    assert "Traceback" in error["exception"]
    password = url.split(":")[2].split("@")[0]
    assert password not in out


def error_lines(stdout: str) -> list[dict[str, Any]]:
    """The structured log lines at ERROR level among what a handler printed."""
    lines = [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]
    return [line for line in lines if line.get("level") == "ERROR"]


def test_an_unexpected_error_is_a_generic_500_with_the_details_only_in_the_log(
    api: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(**kwargs: Any) -> str:
        raise RuntimeError("relation secret_table does not exist")

    monkeypatch.setattr(vehicles, "get_by_vin", broken)
    reply = invoke(get_vehicle.handler, http_api_event("GET", f"/api/vehicles/{VIN}"))
    assert (reply.status, reply.json()) == (500, {"detail": "Internal server error."})
    assert reply.headers["access-control-allow-origin"] == "*"
    [logged] = error_lines(capsys.readouterr().out)  # once, with the traceback
    assert "secret_table" in logged["exception"]
    assert_matches_openapi(reply, "GET", "/api/vehicles/{vin}")


def test_a_missing_setting_is_a_generic_500_with_the_reason_in_the_log(
    capsys: pytest.CaptureFixture[str],
) -> None:
    reply = invoke(get_vehicle.handler, http_api_event("GET", f"/api/vehicles/{VIN}"))
    assert (reply.status, reply.json()) == (500, {"detail": "Internal server error."})
    [logged] = error_lines(capsys.readouterr().out)
    assert "DATABASE_URL is required" in logged["exception"]


# --- event shapes -----------------------------------------------------------------------------


def test_a_rest_api_v1_event_is_served(api: Database) -> None:
    reply = invoke(get_vehicle.handler, rest_api_event("GET", f"/api/vehicles/{VIN.lower()}"))
    assert reply.status == 200
    assert reply.json()["vin"] == VIN
    assert reply.headers["access-control-allow-origin"] == "*"


def test_a_rest_api_v1_event_keeps_its_query_string(api: Database) -> None:
    event = rest_api_event("GET", "/api/vehicles")
    event["queryStringParameters"] = {"page_size": "1"}
    event["multiValueQueryStringParameters"] = {"page_size": ["1"]}
    reply = invoke(list_vehicles.handler, event)
    assert (reply.status, reply.json()["page_size"]) == (200, 1)


@pytest.mark.parametrize("stage", ["dev", "api"], ids=["dev", "stage-named-like-a-segment"])
def test_a_named_stage_prefix_in_the_path_is_handled(api: Database, stage: str) -> None:
    got = invoke(get_vehicle.handler, http_api_event("GET", f"/api/vehicles/{VIN}", stage=stage))
    assert (got.status, got.json()["vin"]) == (200, VIN)
    listed = invoke(list_vehicles.handler, http_api_event("GET", "/api/vehicles/", stage=stage))
    assert listed.json()["total"] == 1
    body = json.dumps(new_vehicle(vin="ABC12"))
    created = invoke(create_vehicle.handler, http_api_event("POST", body=body, stage=stage))
    assert created.status == 201
    assert created.headers["location"] == f"/{stage}/api/vehicles/ABC12"


# --- the handler modules ----------------------------------------------------------------------


def test_importing_a_function_reads_no_setting_and_opens_no_connection(
    monkeypatch: pytest.MonkeyPatch, fresh_container: list[ModuleType]
) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a connection was opened at import")

    monkeypatch.setattr(psycopg, "connect", refuse)
    for module in [*fresh_container, docs]:
        importlib.reload(module)
    assert get_settings.cache_info().currsize == 0
