"""The HTTP side of auth: OpenAPI security schemes, private reads (`AUTH_READ`), auth off for
legacy front ends, `nosniff` on every answer, HEAD /health, and CORS declared once."""

from __future__ import annotations

import json

import pytest

from functions import create_vehicle, docs, get_vehicle, health, list_vehicles
from shared.data.database import Database
from shared.ops.settings import get_settings
from tests.fixtures.api import insert_vehicle, new_vehicle, openapi
from tests.fixtures.auth import SigningKey, create_key, sign
from tests.fixtures.events import http_api_event, invoke

VIN = "1HGCM82633A004352"


def test_the_document_declares_both_schemes_writes_need_one_and_reads_none() -> None:
    document = openapi()
    schemes = document["components"]["securitySchemes"]
    assert schemes["SupabaseAccessToken"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": schemes["SupabaseAccessToken"]["description"],
    }
    assert (schemes["ApiKey"]["type"], schemes["ApiKey"]["in"], schemes["ApiKey"]["name"]) == (
        "apiKey",
        "header",
        "X-API-Key",
    )
    create = document["paths"]["/api/vehicles"]["post"]
    assert create["security"] == [{"SupabaseAccessToken": []}, {"ApiKey": []}]
    for path in ("/api/vehicles", "/api/vehicles/{vin}"):
        assert document["paths"][path]["get"]["security"][0] == {}  # no credential needed
    assert "security" not in document["paths"]["/health"]["get"]
    assert "WWW-Authenticate" in create["responses"]["401"]["headers"]


def test_with_write_auth_off_a_post_without_credentials_is_answered_as_before(
    app_env: pytest.MonkeyPatch, db: Database
) -> None:
    event = http_api_event("POST", body=json.dumps(new_vehicle()))
    assert invoke(create_vehicle.handler, event).status == 201


def test_with_write_auth_on_reads_stay_public(auth_env: pytest.MonkeyPatch, db: Database) -> None:
    insert_vehicle(db)
    assert invoke(get_vehicle.handler, http_api_event("GET", f"/api/vehicles/{VIN}")).status == 200
    assert invoke(list_vehicles.handler, http_api_event("GET", "/api/vehicles")).status == 200


@pytest.fixture
def private(auth_env: pytest.MonkeyPatch, db: Database) -> Database:
    auth_env.setenv("AUTH_READ", "on")
    get_settings.cache_clear()
    insert_vehicle(db)
    return db


def test_a_private_inventory_refuses_anonymous_reads(private: Database) -> None:
    for handler, path in ((get_vehicle, f"/api/vehicles/{VIN}"), (list_vehicles, "/api/vehicles")):
        reply = invoke(handler.handler, http_api_event("GET", path))
        assert reply.status == 401
        assert reply.headers["www-authenticate"] == 'Bearer realm="vehicle-inventory"'


def test_a_private_inventory_serves_readers_writers_and_keys(
    private: Database, signing_keys: dict[str, SigningKey]
) -> None:
    path = f"/api/vehicles/{VIN}"
    reader = sign(signing_keys["es"], app_metadata={"inventory_role": "reader"})
    for headers in (
        {"Authorization": f"Bearer {reader}"},
        {"Authorization": f"Bearer {sign(signing_keys['rsa'])}"},
        {"X-API-Key": create_key(private, "storefront", scopes=("read",))},
    ):
        reply = invoke(get_vehicle.handler, http_api_event("GET", path, headers=headers))
        assert reply.status == 200, reply.body
    visitor = sign(signing_keys["es"], app_metadata={})
    event = http_api_event("GET", path, headers={"Authorization": f"Bearer {visitor}"})
    assert invoke(get_vehicle.handler, event).status == 403
    event = http_api_event("GET", path, headers={"X-API-Key": "vik_" + "C" * 43})
    assert invoke(get_vehicle.handler, event).status == 401
    with private.transaction() as conn:
        conn.execute("DELETE FROM api_keys")


@pytest.mark.parametrize(
    ("module", "method", "path"),
    [
        (health, "GET", "/health"),
        (docs, "GET", "/no/such/path"),
        (create_vehicle, "POST", "/api/vehicles"),
    ],
    ids=["ok", "404", "401"],
)
def test_every_answer_says_nosniff(
    auth_env: pytest.MonkeyPatch, module: object, method: str, path: str
) -> None:
    body = json.dumps(new_vehicle()) if method == "POST" else None
    reply = invoke(module.handler, http_api_event(method, path, body=body))  # type: ignore[attr-defined]
    assert reply.headers["x-content-type-options"] == "nosniff"


def test_head_health_answers_200_without_a_body() -> None:
    reply = invoke(health.handler, http_api_event("HEAD", "/health"))
    assert (reply.status, reply.body) == (200, "")
