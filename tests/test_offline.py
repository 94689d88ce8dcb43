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

import pytest

REPO = Path(__file__).resolve().parent.parent
SERVERLESS = REPO / "node_modules" / ".bin" / "osls"
HOST = "127.0.0.1"
STARTUP_SECONDS = 60
REQUEST_SECONDS = 30

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
    with log.open("wb") as output:
        server = subprocess.Popen(
            [
                str(SERVERLESS),
                "offline",
                *("--httpPort", str(http_port)),
                *("--lambdaPort", str(lambda_port)),
            ],
            cwd=REPO,
            env=tooling_env(database_url),
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


def test_invoke_local_runs_the_migrate_function(database_url: str) -> None:
    result = subprocess.run(
        [
            *(str(SERVERLESS), "invoke", "local", "--function", "migrate"),
            *("--data", json.dumps({"action": "status"})),
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
