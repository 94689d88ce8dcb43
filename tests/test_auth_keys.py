"""API keys: valid, revoked, unknown, wrong prefix, lacking the scope; checked in the write's own
statement (one round trip); the `keys` command line; credentials never logged; races."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from functions import create_vehicle
from shared.auth import access, commands, keys
from shared.data import credentials, vehicles
from shared.data.database import Database
from tests.fixtures.api import new_vehicle, round_trips, stored_vins
from tests.fixtures.auth import SigningKey, create_key, sign
from tests.fixtures.events import Reply, http_api_event, invoke

PROJECT_DIR = Path(__file__).resolve().parent.parent
VIN = "1HGCM82633A004352"


def post(headers: dict[str, str] | None = None, **fields: str) -> Reply:
    body = json.dumps(new_vehicle(**fields))
    return invoke(create_vehicle.handler, http_api_event("POST", body=body, headers=headers))


@pytest.fixture
def api(auth_env: pytest.MonkeyPatch, db: Database) -> Database:
    return db


def last_used(db: Database) -> list[object]:
    with db.transaction() as conn:
        return [row[0] for row in conn.execute("SELECT last_used_at FROM api_keys ORDER BY id")]


@pytest.mark.parametrize("header", ["X-API-Key", "Authorization"])
def test_a_valid_key_creates_the_vehicle_and_is_marked_used(
    api: Database, api_key: str, header: str
) -> None:
    value = api_key if header == "X-API-Key" else f"Bearer {api_key}"
    assert last_used(api) == [None]
    reply = post({header: value})
    assert reply.status == 201, reply.body
    assert stored_vins(api) == [VIN]
    assert last_used(api)[0] is not None


def test_a_write_with_a_key_is_one_round_trip_and_a_taken_vin_still_409(
    api: Database, api_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert post({"X-API-Key": api_key}).status == 201
    with round_trips(monkeypatch) as sent:
        reply = post({"X-API-Key": api_key})
    assert (reply.status, reply.json()) == (
        409,
        {"detail": "Vehicle with this VIN already exists."},
    )
    assert len(sent) == 1


@pytest.mark.parametrize(
    ("key", "detail"),
    [
        ("vik_" + "A" * 43, "Unknown API key."),
        ("sk_live_" + "A" * 43, "API key must start with 'vik_'."),
        ("vik_short", "Malformed API key."),
    ],
    ids=["unknown", "wrong-prefix", "malformed"],
)
def test_a_bad_key_is_401_and_writes_nothing(
    api: Database, api_key: str, key: str, detail: str
) -> None:
    reply = post({"X-API-Key": key})
    assert (reply.status, reply.json()) == (401, {"detail": detail})
    assert 'error="invalid_token"' in reply.headers["www-authenticate"]
    assert stored_vins(api) == []


def test_a_valid_key_beside_a_bogus_token_is_401_not_one_of_the_two(
    api: Database, api_key: str
) -> None:
    reply = post({"X-API-Key": api_key, "Authorization": "Bearer not-a-token"})
    assert reply.status == 401
    assert reply.json() == {"detail": access.BOTH}
    assert 'error="invalid_request"' in reply.headers["www-authenticate"]
    assert stored_vins(api) == []


def test_a_revoked_key_is_401_from_the_next_write_on(api: Database, api_key: str) -> None:
    assert post({"X-API-Key": api_key}).status == 201
    key_id, _ = keys.revoke(db=api, which=api_key[:12])
    reply = post({"X-API-Key": api_key}, vin="1M8GDM9AXKP042788")
    assert (reply.status, reply.json()) == (401, {"detail": "API key revoked."})
    assert stored_vins(api) == [VIN]
    assert key_id > 0


def test_a_read_only_key_may_not_write(api: Database) -> None:
    key = create_key(api, "storefront", scopes=("read",))
    reply = post({"X-API-Key": key})
    assert (reply.status, reply.json()) == (403, {"detail": "This API key lacks the write scope."})
    assert stored_vins(api) == []


@pytest.mark.usefixtures("api")
def test_credentials_never_reach_a_log_line(
    api_key: str,
    auth_env: pytest.MonkeyPatch,
    signing_keys: dict[str, SigningKey],
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    auth_env.setenv("LOG_LEVEL", "DEBUG")
    caplog.set_level(logging.DEBUG)
    token = sign(signing_keys["es"])
    expired = sign(signing_keys["es"], exp=1)
    forbidden = sign(signing_keys["es"], app_metadata={})
    sent = [api_key, token, expired, forbidden, "vik_" + "B" * 43]
    for credential in sent:
        post({"Authorization": f"Bearer {credential}"})
        post({"X-API-Key": credential})
    captured = capsys.readouterr()
    text = captured.out + captured.err + caplog.text
    assert "token refused: Token expired." in text  # the reasons are logged...
    for credential in sent:
        assert credential not in text  # ...the credentials never
        assert credential.split(".")[-1] not in text  # not even a token's signature


# Each process is one warm Lambda container: connected first, then all post at the same moment.
CONTAINER = """
import json, sys
from functions import create_vehicle
from shared.runtime import get_database
from tests.fixtures.events import LambdaContext
get_database().fetch_one("SELECT 1", retry=True)
print("ready", flush=True)
sys.stdin.readline()
answer = create_vehicle.handler(json.loads(sys.argv[1]), LambdaContext())
print("STATUS", answer["statusCode"], flush=True)
"""


def test_concurrent_posts_of_one_vin_with_a_valid_key_give_one_201(
    database_url: str, db: Database, api_key: str
) -> None:
    headers = {"X-API-Key": api_key}
    event = http_api_event("POST", body=json.dumps(new_vehicle()), headers=headers)
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONPATH": str(PROJECT_DIR)}
    env["AUTH_WRITE"] = "on"
    containers = [
        subprocess.Popen(
            [sys.executable, "-c", CONTAINER, json.dumps(event)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=PROJECT_DIR,
        )
        for _ in range(4)
    ]
    for container in containers:
        assert container.stdout is not None
        assert container.stdout.readline().strip() == "ready"
    for container in containers:
        assert container.stdin is not None
        container.stdin.write("go\n")
        container.stdin.flush()
    statuses = sorted(
        int(container.communicate(timeout=60)[0].rsplit("STATUS ", 1)[1])
        for container in containers
    )
    assert statuses == [201, 409, 409, 409]
    assert stored_vins(db) == [VIN]


def test_the_keys_command_creates_lists_and_revokes(
    app_env: pytest.MonkeyPatch, db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    commands.main(["keys", "create", "DMS", "feed"])
    out = capsys.readouterr().out
    key = out.splitlines()[1]
    assert key.startswith("vik_")
    assert len(key) == 47
    commands.main(["keys", "list"])
    listing = capsys.readouterr().out
    assert "DMS feed" in listing
    assert key[:12] in listing
    assert key not in listing  # only the prefix is stored, so only the prefix can be shown
    with db.transaction() as conn:
        stored = conn.execute("SELECT hash FROM api_keys").fetchone()
    assert stored is not None
    assert bytes(stored[0]) == keys.digest(key)
    commands.main(["keys", "revoke", key[:12]])
    assert "revoked key" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        commands.main(["keys", "revoke", "vik_nothing"])
    assert "No single key" in capsys.readouterr().err
    with db.transaction() as conn:
        conn.execute("DELETE FROM api_keys")


def test_the_write_function_imports_no_crypto_until_a_token_arrives() -> None:
    code = (
        "import sys, functions.create_vehicle;"
        "print(sorted(m for m in ('jwt', 'cryptography', 'urllib.request') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_DIR, capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_a_trusted_write_is_guarded_by_plain_true_unless_it_names_the_credential() -> None:
    assert "credential" not in credentials.trusted(vehicles.INSERT)
    assert "WHERE true" in credentials.trusted(vehicles.INSERT)
    named = "SELECT (SELECT state FROM credential) WHERE " + credentials.AUTHORIZED  # noqa: S608
    assert credentials.trusted(named).startswith("WITH credential AS (SELECT 'ok'::text AS state)")
