"""No body gets a 500: values JSON cannot carry back, lone surrogates, invalid UTF-8, however the
function is invoked (API Gateway v2 and v1 events, base64 or not, and uvicorn)."""

from __future__ import annotations

import base64
import http.client
import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest

from functions import create_vehicle, docs, list_vehicles
from shared.data.database import Database
from tests.fixtures.api import make_vin, new_vehicle, stored_vins
from tests.fixtures.events import Event, http_api_event, invoke, rest_api_event
from tests.test_offline import HOST, free_port, get

REPO = Path(__file__).resolve().parent.parent
JSON = {"content-type": "application/json"}
INVALID_UTF8 = b'{"vin": "1HGCM82633A004352", "make": "Citro\xebn", "model": "C5"}'

# (body, the input the 422 echoes for `vin`)
UNREPRESENTABLE = [
    ('{"vin": NaN}', "NaN"),
    ('{"vin": Infinity}', "Infinity"),
    ('{"vin": -Infinity}', "-Infinity"),
    ('{"vin": 1e400}', "Infinity"),
    ('{"vin": "\\ud800"}', "\\ud800"),
    ('{"vin": "\\udfff\\ud800"}', "\\udfff\\ud800"),
]


def v1_event(body: bytes, *, base64_body: bool) -> Event:
    """A REST API (payload v1) POST with `body`."""
    event = rest_api_event("POST", "/api/vehicles")
    event["headers"].update({"Content-Type": "application/json", "Content-Length": str(len(body))})
    event["body"] = base64.b64encode(body).decode() if base64_body else body.decode()
    event["isBase64Encoded"] = base64_body
    return event


def v2_event(body: bytes, *, base64_body: bool) -> Event:
    return http_api_event("POST", body=body, headers=JSON, base64_body=base64_body)


EVENTS = [
    pytest.param(v2_event, False, id="v2"),
    pytest.param(v2_event, True, id="v2-base64"),
    pytest.param(v1_event, False, id="v1"),
    pytest.param(v1_event, True, id="v1-base64"),
]


@pytest.mark.parametrize(("body", "echoed"), UNREPRESENTABLE, ids=[b for b, _ in UNREPRESENTABLE])
@pytest.mark.parametrize(("make_event", "base64_body"), EVENTS)
def test_values_json_cannot_carry_back_are_422_naming_the_field(
    app_env: pytest.MonkeyPatch,
    body: str,
    echoed: str,
    make_event: Callable[..., Event],
    base64_body: bool,
) -> None:
    reply = invoke(create_vehicle.handler, make_event(body.encode(), base64_body=base64_body))
    assert reply.status == 422, reply.body
    errors = {tuple(error["loc"]): error for error in reply.json()["detail"]}
    assert errors[("body", "vin")]["input"] == echoed


@pytest.mark.parametrize(
    "field", [{"image_urls": ["https://images.example.com/\ud800.jpg"]}, {"make": "Hond\udc80"}]
)
def test_a_lone_surrogate_in_a_valid_looking_field_is_422_not_stored(
    app_env: pytest.MonkeyPatch, db: Database, field: dict[str, object]
) -> None:
    body = json.dumps(new_vehicle(vin=make_vin(1), **field))  # ensure_ascii: \ud800 escapes
    reply = invoke(create_vehicle.handler, http_api_event("POST", body=body, headers=JSON))
    assert reply.status == 422, reply.body
    assert [error["loc"][1] for error in reply.json()["detail"]] == list(field)
    assert stored_vins(db) == []


def test_validation_messages_read_as_sentences(app_env: pytest.MonkeyPatch) -> None:
    body = json.dumps(new_vehicle(vin="1HGCM82623A004352"))
    reply = invoke(create_vehicle.handler, http_api_event("POST", body=body, headers=JSON))
    message = reply.json()["detail"][0]["msg"]
    assert message == "check digit (position 9) should be 3, got 2"


@pytest.mark.parametrize(
    ("make_event", "base64_body"),
    [p for p in EVENTS if p.values[1]],  # raw bytes: base64 only
)
def test_invalid_utf8_is_400_and_not_stored(
    app_env: pytest.MonkeyPatch, db: Database, make_event: Callable[..., Event], base64_body: bool
) -> None:
    reply = invoke(create_vehicle.handler, make_event(INVALID_UTF8, base64_body=base64_body))
    assert reply.status == 400
    assert "detail" in reply.json()
    assert stored_vins(db) == []


def test_a_text_body_carrying_lone_surrogates_is_422(app_env: pytest.MonkeyPatch) -> None:
    # What a Lambda runtime makes of a `\ud800` escape in the event itself: not UTF-8 text.
    # (Mangum's `body.encode()` raised: the invocation failed.)
    event = http_api_event("POST", body="{}", headers=JSON)
    event["body"] = '{"vin": "\ud800"}'
    event["headers"]["content-length"] = str(len(event["body"].encode("utf-8", "surrogatepass")))
    reply = invoke(create_vehicle.handler, event)
    assert reply.status == 422
    assert reply.json()["detail"][0]["input"] == "\\ud800"


def test_a_body_altered_on_the_way_is_400(app_env: pytest.MonkeyPatch, db: Database) -> None:
    # serverless-offline hands the function INVALID_UTF8 decoded, each bad byte now U+FFFD.
    event = http_api_event("POST", body=INVALID_UTF8.decode(errors="replace"), headers=JSON)
    event["headers"]["content-length"] = str(len(INVALID_UTF8))  # what the client sent
    reply = invoke(create_vehicle.handler, event)
    assert (reply.status, reply.json()) == (
        400,
        {"detail": "Request body does not match its Content-Length: was it valid UTF-8?"},
    )
    assert stored_vins(db) == []


@pytest.fixture(scope="module")
def uvicorn_url(database_url: str) -> Iterator[str]:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "functions.docs:app", "--port", str(port)],
        cwd=REPO,
        env={
            "DATABASE_URL": database_url,
            "POWERTOOLS_TRACE_DISABLED": "true",
            "AUTH_WRITE": "off",  # the bodies are the subject here; credentials have their tests
            "PATH": "",
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://{HOST}:{port}"
    try:
        for _ in range(200):
            try:
                get(f"{url}/health")
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail("uvicorn exited early")
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=15)


def post_raw(url: str, body: bytes) -> tuple[int, object]:
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.request("POST", "/api/vehicles", body, JSON)
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


@pytest.mark.parametrize(
    ("body", "status"),
    [(INVALID_UTF8, 400), (b'{"vin": NaN}', 422), (b'{"vin": "\\ud800"}', 422)],
    ids=["invalid-utf8", "nan", "lone-surrogate"],
)
def test_under_uvicorn_bad_bodies_are_client_errors(
    uvicorn_url: str, body: bytes, status: int
) -> None:
    answer, payload = post_raw(uvicorn_url, body)
    assert answer == status
    assert isinstance(payload, dict)
    assert "detail" in payload


@pytest.mark.parametrize(
    ("module", "method", "path", "allow"),
    [
        (docs, "DELETE", "/api/vehicles", "GET, POST"),
        (docs, "PUT", f"/api/vehicles/{make_vin(2)}", "DELETE, GET, PATCH"),
        (docs, "POST", "/health", "GET, HEAD"),
        (create_vehicle, "PUT", "/api/vehicles", "POST"),
        (list_vehicles, "POST", "/api/vehicles", "GET"),
    ],
    ids=["docs-collection", "docs-item", "docs-health", "create-function", "list-function"],
)
def test_a_405_allows_every_method_the_app_has_for_the_path(
    app_env: pytest.MonkeyPatch, module: ModuleType, method: str, path: str, allow: str
) -> None:
    reply = invoke(module.handler, http_api_event(method, path))
    assert (reply.status, reply.json()) == (405, {"detail": "Method Not Allowed"})
    assert reply.headers["allow"] == allow
