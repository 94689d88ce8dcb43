"""The Node tooling runs our Python handlers locally: `serverless offline` and `invoke local`.

Both start the first `python3` on PATH, so the Python running these tests goes first on PATH.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from shared.auth import keys
from shared.data.database import Database
from shared.migrations.files import MIGRATIONS_DIR, load
from shared.ops.settings import Settings
from tests.fixtures.api import make_vin, new_vehicle
from tests.fixtures.auth import ISSUER, SECRET, sign_hs256

LAST_MIGRATION = load(MIGRATIONS_DIR)[-1].version

REPO = Path(__file__).resolve().parent.parent
SERVERLESS = REPO / "node_modules" / ".bin" / "osls"
HOST = "127.0.0.1"
STARTUP_SECONDS = 60
REQUEST_SECONDS = 30
ALLOWED_ORIGIN = "https://inventory.example.com"
# The API key the offline server's writes carry (write auth is on, as deployed); set by the fixture.
CREDENTIALS: dict[str, str] = {}

pytestmark = pytest.mark.skipif(
    not SERVERLESS.exists(), reason="node_modules/.bin/osls not found: run `npm ci` first"
)


def tooling_env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "SLS_TELEMETRY_DISABLED": "1",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "DATABASE_URL": database_url,
        "POWERTOOLS_TRACE_DISABLED": "true",  # no X-Ray daemon here
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def get(url: str) -> tuple[int, str]:
    """Status and body of a GET, HTTP errors included."""
    try:
        with urllib.request.urlopen(url, timeout=REQUEST_SECONDS) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def send(
    method: str,
    url: str,
    body: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    *,
    credentials: bool = True,
) -> tuple[int, dict[str, str], str]:
    """Status, headers (lower-case names) and body of any request, HTTP errors included; with
    the fixture's API key unless `credentials=False`."""
    data = None if body is None else json.dumps(body).encode()
    sent = {"Content-Type": "application/json"} if data else {}
    if credentials:
        sent.update(CREDENTIALS)
    request = urllib.request.Request(url, data, {**sent, **(headers or {})}, method=method)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=REQUEST_SECONDS) as response:  # noqa: S310
            answer = response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        answer = error.code, dict(error.headers), error.read().decode()
    status, received, text = answer
    return status, {name.lower(): value for name, value in received.items()}, text


def wait_until_listening(base_url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"serverless offline exited early:\n{log.read_text()}")
        try:
            get(f"{base_url}/health")
        except OSError:
            time.sleep(0.5)
        else:
            return
    pytest.fail(f"serverless offline did not listen within {STARTUP_SECONDS} s:\n{log.read_text()}")


def stop(server: subprocess.Popen[bytes]) -> None:
    """Ctrl-C, as a developer would; then end the process group this fixture started."""
    server.send_signal(signal.SIGINT)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


@pytest.fixture(scope="module")
def offline_url(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    http_port, lambda_port = free_port(), free_port()
    log = tmp_path_factory.mktemp("offline") / "serverless-offline.log"
    db = Database(Settings(database_url=database_url))
    key_id, key = keys.create(db=db, name="offline tests")
    CREDENTIALS["X-API-Key"] = key
    env = {
        **tooling_env(database_url),
        "AUTH_WRITE": "on",  # as deployed
        "AUTH_ISSUER": ISSUER,
        "AUTH_JWT_SECRET": SECRET,
        "CORS_ORIGINS": ALLOWED_ORIGIN,
    }
    with log.open("wb") as output:
        server = subprocess.Popen(
            [
                str(SERVERLESS),
                "offline",
                *("--httpPort", str(http_port)),
                *("--lambdaPort", str(lambda_port)),
            ],
            cwd=REPO,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base_url = f"http://{HOST}:{http_port}"
    try:
        wait_until_listening(base_url, server, log)
        yield base_url
    finally:
        stop(server)
        CREDENTIALS.clear()
        with db.transaction() as conn:
            conn.execute("DELETE FROM api_keys WHERE id = %s", [key_id])
        db.close()


@pytest.mark.parametrize(
    "path",
    ["/health", "/health/ready", "/api/vehicles", "/api/vehicles/", "/openapi.json"],
)
def test_offline_serves_the_python_handlers(offline_url: str, path: str) -> None:
    status, body = get(offline_url + path)
    assert status == 200, body
    json.loads(body)


def test_offline_answers_an_unknown_vin_with_a_json_404(offline_url: str) -> None:
    status, body = get(f"{offline_url}/api/vehicles/1M8GDM9AXKP042788")
    assert status == 404
    assert "detail" in json.loads(body)


def test_offline_creates_a_vehicle_then_refuses_it_again_and_names_bad_fields(
    offline_url: str, database_url: str
) -> None:
    vin = make_vin(4_242_424)
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("DELETE FROM vehicles WHERE vin = %s", [vin])
    created = send("POST", f"{offline_url}/api/vehicles", new_vehicle(vin=vin.lower()))
    assert created[0] == 201, created
    assert created[1]["location"] == f"/api/vehicles/{vin}"
    status, _, body = send("GET", f"{offline_url}/api/vehicles/{vin}")
    assert (status, json.loads(body)["vin"]) == (200, vin)
    status, _, body = send("POST", f"{offline_url}/api/vehicles", new_vehicle(vin=vin))
    assert (status, json.loads(body)) == (409, {"detail": "Vehicle with this VIN already exists."})
    status, _, body = send("POST", f"{offline_url}/api/vehicles", new_vehicle(make="", vin="X"))
    assert status == 422
    assert {tuple(error["loc"]) for error in json.loads(body)["detail"]} == {
        ("body", "vin"),
        ("body", "make"),
    }


def test_offline_patches_with_if_match_then_deletes_a_vehicle(offline_url: str) -> None:
    vin = make_vin(4_242_425)
    url = f"{offline_url}/api/vehicles/{vin}"
    send("DELETE", url)
    assert send("POST", f"{offline_url}/api/vehicles", new_vehicle(vin=vin))[0] == 201
    etag = send("GET", url)[1]["etag"]
    merge = {"Content-Type": "application/merge-patch+json", "If-Match": etag}
    status, headers, body = send("PATCH", url, {"status": "sold", "price": 9999}, merge)
    assert (status, json.loads(body)["status"]) == (200, "sold")
    assert send("PATCH", url, {"price": 1}, merge)[0] == 412
    assert send("DELETE", url, headers={"If-Match": headers["etag"]})[0] == 204
    assert send("GET", url)[0] == 404


def test_offline_answers_a_cors_preflight(offline_url: str) -> None:
    status, headers, _ = send(
        "OPTIONS",
        f"{offline_url}/api/vehicles",
        headers={
            "Origin": "https://inventory.example.com",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert status in (200, 204)
    assert headers["access-control-allow-origin"] in ("*", "https://inventory.example.com")


def test_offline_refuses_a_preflight_from_an_origin_not_in_cors_origins(offline_url: str) -> None:
    status, headers, _ = send(
        "OPTIONS",
        f"{offline_url}/api/vehicles",
        headers={
            "Origin": "https://evil.example.net",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,x-api-key",
        },
    )
    assert status in (200, 204)
    assert "access-control-allow-origin" not in headers


def test_offline_writes_need_a_credential_as_deployed(offline_url: str, database_url: str) -> None:
    vin = make_vin(4_343_434)
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("DELETE FROM vehicles WHERE vin = %s", [vin])
    url = f"{offline_url}/api/vehicles"
    status, headers, body = send("POST", url, new_vehicle(vin=vin), credentials=False)
    assert (status, json.loads(body)["detail"]) == (
        401,
        "Credentials required: Authorization: Bearer <token> or X-API-Key: <key>.",
    )
    assert headers["www-authenticate"] == 'Bearer realm="vehicle-inventory"'
    assert headers["x-content-type-options"] == "nosniff"
    status, _, body = send("POST", url, new_vehicle(vin=vin), {"X-API-Key": "vik_" + "Z" * 43})
    assert (status, json.loads(body)) == (401, {"detail": "Unknown API key."})
    token = {"Authorization": f"Bearer {sign_hs256()}"}
    status, _, body = send("POST", url, new_vehicle(vin=vin), token, credentials=False)
    assert status == 201, body


def test_offline_answers_head_health(offline_url: str) -> None:
    status, _, body = send("HEAD", f"{offline_url}/health")
    assert (status, body) == (200, "")


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("GET", "/no/such/path", 404), ("DELETE", "/api/vehicles", 405)],
    ids=["unknown-path", "wrong-method"],
)
def test_offline_answers_unrouted_requests_with_json_errors(
    offline_url: str, method: str, path: str, status: int
) -> None:
    answer, _, body = send(method, offline_url + path)
    assert answer == status
    assert "detail" in json.loads(body)


def test_offline_serves_swagger_ui(offline_url: str) -> None:
    status, headers, body = send("GET", f"{offline_url}/docs")
    assert status == 200
    assert headers["content-type"].startswith("text/html")
    assert "swagger-ui" in body


def invoke_local(function: str, data: dict[str, Any], database_url: str) -> str:
    """`serverless invoke local` of `function` with `data`; fails the test if it fails."""
    result = subprocess.run(
        [
            *(str(SERVERLESS), "invoke", "local", "--function", function),
            *("--data", json.dumps(data)),
        ],
        cwd=REPO,
        env=tooling_env(database_url),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "errorMessage" not in result.stdout
    return result.stdout


def test_invoke_local_runs_the_migrate_function(database_url: str) -> None:
    out = invoke_local("migrate", {"action": "status"}, database_url)
    assert f'"current": "{LAST_MIGRATION}"' in out


def test_invoke_local_runs_the_seed_function(database_url: str) -> None:
    out = invoke_local("seed", {"limit": 3, "dry_run": True}, database_url)
    assert '"rows_read": 3' in out


def test_offline_answers_a_body_of_invalid_utf8_with_400(offline_url: str) -> None:
    # serverless-offline decodes the body as UTF-8 before the handler sees it (bad bytes become
    # U+FFFD): the raw bytes never reach us, the Content-Length the client sent does.
    body = b'{"vin": "1HGCM82633A004352", "make": "Citro\xebn", "model": "C5", "description": "x"}'
    request = urllib.request.Request(  # noqa: S310
        f"{offline_url}/api/vehicles", body, {"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=REQUEST_SECONDS) as response:  # noqa: S310
            status, text = response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        status, text = error.code, error.read().decode()
    assert status == 400, text
    assert "UTF-8" in json.loads(text)["detail"]
