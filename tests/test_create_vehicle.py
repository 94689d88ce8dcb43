"""POST /api/vehicles: validation, normalisation, 201 with Location, 409 on a taken VIN, races."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from functions import create_vehicle
from shared.data import vehicles
from shared.data.database import Database
from shared.data.vehicle_create import VehicleCreate
from shared.errors import ConflictError
from shared.ops.settings import Settings, get_settings
from tests.fixtures.api import (
    NEW_FIELD_DEFAULTS,
    assert_matches_openapi,
    new_vehicle,
    round_trips,
    stored_vins,
)
from tests.fixtures.events import Reply, http_api_event, invoke

PROJECT_DIR = Path(__file__).resolve().parent.parent
VIN = "1HGCM82633A004352"
MISSING = object()


@pytest.fixture
def api(app_env: pytest.MonkeyPatch, db: Database) -> Database:
    """The create function pointed at an empty inventory."""
    return db


def post(body: dict[str, Any] | str) -> Reply:
    text = body if isinstance(body, str) else json.dumps(body)
    return invoke(create_vehicle.handler, http_api_event("POST", "/api/vehicles", body=text))


def stored(db: Database, vin: str) -> tuple[Any, ...] | None:
    with db.transaction() as conn:
        return conn.execute(
            "SELECT vin, make, model, description, image_urls FROM vehicles WHERE vin = %s", [vin]
        ).fetchone()


def test_a_new_vehicle_is_stored_and_returned_with_201_and_its_location(api: Database) -> None:
    reply = post(new_vehicle())
    assert reply.status == 201
    assert reply.headers["location"] == f"/api/vehicles/{VIN}"
    created = reply.json()
    assert created.pop("created_at").endswith("Z")
    assert created.pop("updated_at").endswith("Z")  # added by the full record
    assert created == {**new_vehicle(), **NEW_FIELD_DEFAULTS}
    assert stored(api, VIN) == (
        VIN,
        "Honda",
        "Accord",
        new_vehicle()["description"],
        new_vehicle()["image_urls"],
    )
    assert_matches_openapi(reply, "POST", "/api/vehicles")


def test_values_are_trimmed_and_the_vin_upper_cased_before_storing(api: Database) -> None:
    reply = post(
        new_vehicle(
            vin=f"  {VIN.lower()} ",
            make=" Honda ",
            model="\tAccord\n",
            description="  Clean.  ",
            image_urls=[
                "",
                " https://a.example/1.jpg ",
                "https://a.example/2.jpg",
                "https://a.example/1.jpg",
                "   ",
            ],
            internal_note="do not publish",  # unknown (price, once unknown, is now a field)
        )
    )
    assert reply.status == 201
    assert "internal_note" not in reply.json()
    assert stored(api, VIN) == (
        VIN,
        "Honda",
        "Accord",
        "Clean.",
        ["https://a.example/1.jpg", "https://a.example/2.jpg"],
    )


def test_image_urls_may_be_left_out(api: Database) -> None:
    body = new_vehicle()
    del body["image_urls"]
    assert post(body).json()["image_urls"] == []


@pytest.mark.parametrize(
    "vin", ["ABC12", "WBA1234567890AB", "1234567890ABCDEF"], ids=["5-chars", "15-chars", "16-chars"]
)
def test_a_short_pre_1981_vin_is_accepted_as_it_is(api: Database, vin: str) -> None:
    assert post(new_vehicle(vin=vin.lower())).status == 201
    assert stored_vins(api) == [vin.upper()]


def test_the_check_digit_rule_can_be_turned_off(
    api: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    foreign = "WVWZZZ1JZ3W386752"  # a European VIN: position 9 is not a check digit
    assert post(new_vehicle(vin=foreign)).status == 422
    monkeypatch.setenv("VIN_CHECK_DIGIT", "off")
    get_settings.cache_clear()  # settings are read once per container: start a new one
    assert post(new_vehicle(vin=foreign)).status == 201


@pytest.mark.parametrize(
    "vin", [VIN, VIN.lower(), f" {VIN} "], ids=["same", "lower-case", "spaces"]
)
def test_a_vin_already_taken_in_any_spelling_is_409(api: Database, vin: str) -> None:
    assert post(new_vehicle()).status == 201
    reply = post(new_vehicle(vin=vin, make="Other"))
    assert (reply.status, reply.json()) == (
        409,
        {"detail": "Vehicle with this VIN already exists."},
    )
    assert stored(api, VIN)[1] == "Honda"  # type: ignore[index]
    assert_matches_openapi(reply, "POST", "/api/vehicles")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("vin", "1HGCM82643A004352"),
        ("vin", "1HGCM82633I004352"),
        ("vin", "ABCD"),
        ("vin", "1HGCM82633A0043521"),
        ("vin", "ABC-12345"),
        ("vin", "   "),
        ("vin", 12345678),
        ("vin", MISSING),
        ("make", "   "),
        ("make", "M" * 101),
        ("model", ""),
        ("model", MISSING),
        ("description", "  \n "),
        ("description", "d" * 10_001),
        ("description", MISSING),
        ("description", "Clean title.\x00"),
        ("image_urls", ["/relative/1.jpg"]),
        ("image_urls", ["ftp://files.example.com/1.jpg"]),
        ("image_urls", [f"https://img.example.com/{n}.jpg" for n in range(51)]),
        ("image_urls", "https://img.example.com/1.jpg"),
    ],
    ids=[
        "vin-check-digit",
        "vin-letter-I",
        "vin-too-short",
        "vin-too-long",
        "vin-punctuation",
        "vin-blank",
        "vin-not-text",
        "vin-missing",
        "make-blank",
        "make-too-long",
        "model-empty",
        "model-missing",
        "description-blank",
        "description-too-long",
        "description-missing",
        "description-nul",
        "url-relative",
        "url-ftp",
        "urls-too-many",
        "urls-not-a-list",
    ],
)
def test_an_invalid_field_is_422_naming_it_and_nothing_is_stored(
    api: Database, field: str, value: object
) -> None:
    body = new_vehicle(**{field: value})
    if value is MISSING:
        del body[field]
    reply = post(body)
    assert reply.status == 422
    assert {tuple(error["loc"]) for error in reply.json()["detail"]} == {("body", field)}
    assert stored_vins(api) == []
    assert_matches_openapi(reply, "POST", "/api/vehicles")


def test_every_invalid_field_is_named_at_once(api: Database) -> None:
    reply = post({"vin": "bad!", "make": "", "model": "Accord", "description": " "})
    assert reply.status == 422
    named = {error["loc"][-1] for error in reply.json()["detail"]}
    assert named == {"vin", "make", "description"}


def test_an_insert_takes_one_round_trip_and_is_never_retried(
    api: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    post(new_vehicle(vin="ABC12"))  # the connection is opened on first use; count a warm request
    retries: list[bool] = []
    fetch_one = Database.fetch_one

    def spy(self: Database, query: str, params: Any = None, *, retry: bool) -> Any:
        retries.append(retry)
        return fetch_one(self, query, params, retry=retry)

    monkeypatch.setattr(Database, "fetch_one", spy)
    with round_trips(monkeypatch) as sent:
        assert post(new_vehicle()).status == 201
    assert (len(sent), retries) == (1, [False])


def test_concurrent_inserts_of_one_vin_give_one_success_and_only_conflicts(
    database_url: str, db: Database
) -> None:
    workers = 12
    start = threading.Barrier(workers)
    outcomes: list[str] = []
    vehicle = VehicleCreate.model_validate(new_vehicle())

    def insert() -> None:
        own = Database(Settings(database_url=database_url))  # one connection per "container"
        own.fetch_one("SELECT 1", retry=True)
        start.wait()
        try:
            vehicles.insert(db=own, vehicle=vehicle)
            outcomes.append("created")
        except ConflictError:
            outcomes.append("conflict")
        except Exception as err:  # noqa: BLE001 - any other outcome fails the test below
            outcomes.append(repr(err))
        finally:
            own.close()

    threads = [threading.Thread(target=insert) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["conflict"] * (workers - 1) + ["created"]
    assert stored_vins(db) == [VIN]


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
print("STATUS", answer["statusCode"], flush=True)  # after the log lines the handler prints
"""


def test_concurrent_posts_of_one_vin_through_the_handler_give_one_201_and_409s(
    database_url: str, db: Database
) -> None:
    event = http_api_event("POST", "/api/vehicles", body=json.dumps(new_vehicle()))
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONPATH": str(PROJECT_DIR)}
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
