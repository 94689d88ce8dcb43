"""Unix-socket URLs, as the embedded server and many hosts give them, reach the database."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

import pytest
from psycopg.conninfo import conninfo_to_dict

from functions import list_vehicles
from shared.data.database import Database
from shared.ops.settings import Settings
from tests.fixtures.events import http_api_event, invoke

FORMS: dict[str, Callable[[str, str, str], str]] = {
    "host-in-query": lambda socket_dir, user, db: (
        f"postgresql:///{db}?host={socket_dir}&user={user}"
    ),
    "host-encoded": lambda socket_dir, user, db: (
        f"postgresql://{user}@{quote(socket_dir, safe='')}/{db}"
    ),
    "key-value": lambda socket_dir, user, db: f"host={socket_dir} user={user} dbname={db}",
}


@pytest.fixture(params=sorted(FORMS))
def socket_url(request: pytest.FixtureRequest, database_url: str) -> str:
    """The session database's URL, written in one Unix-socket form."""
    params = conninfo_to_dict(database_url)
    socket_dir = str(params.get("host", ""))
    if not socket_dir.startswith("/"):
        pytest.skip("TEST_DATABASE_URL is not on a Unix socket; the embedded server is")
    user, db = str(params.get("user") or "postgres"), str(params["dbname"])
    return FORMS[str(request.param)](socket_dir, user, db)


def test_a_unix_socket_url_connects(socket_url: str) -> None:
    db = Database(Settings(database_url=socket_url))
    assert db.fetch_one("SELECT 1", retry=True) == (1,)
    db.close()


def test_the_api_answers_over_a_unix_socket_url(
    app_env: pytest.MonkeyPatch, socket_url: str
) -> None:
    app_env.setenv("DATABASE_URL", socket_url)
    assert invoke(list_vehicles.handler, http_api_event("GET", "/api/vehicles")).status == 200
