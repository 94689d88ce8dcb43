"""GET /health/ready tells whether the API can serve: a table lock that holds every data request
back, or a database without the schema, makes it answer 503, directly and through PgBouncer."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import psycopg
import pytest

from functions import health, list_vehicles
from tests.fixtures.api import assert_matches_openapi
from tests.fixtures.events import Reply, http_api_event, invoke


def ready() -> Reply:
    return invoke(health.handler, http_api_event("GET", "/health/ready"))


@contextmanager
def vehicles_locked(database_url: str) -> Iterator[None]:
    """Another session holds the lock an ALTER TABLE takes (or waits for, blocking readers)."""
    with psycopg.connect(database_url) as other:
        other.execute("LOCK TABLE vehicles IN ACCESS EXCLUSIVE MODE")
        yield
        other.rollback()


def test_readiness_answers_503_while_the_vehicles_table_is_locked(
    app_env: pytest.MonkeyPatch, database_url: str, route_url: Callable[[str], str]
) -> None:
    app_env.setenv("DATABASE_URL", route_url(database_url))
    app_env.setenv("DB_STATEMENT_TIMEOUT_MS", "1000")  # the data request gives up, too
    with vehicles_locked(database_url):
        reply = ready()
        data = invoke(list_vehicles.handler, http_api_event("GET", "/api/vehicles"))
    assert (reply.status, reply.json()) == (503, {"detail": "Database unavailable."})
    assert reply.headers["retry-after"] == "5"
    assert_matches_openapi(reply, "GET", "/health/ready")
    assert data.status == 503  # what readiness foretold
    assert ready().status == 200  # the lock released, the same container is ready again


def test_readiness_answers_503_on_a_database_that_was_never_migrated(
    app_env: pytest.MonkeyPatch, empty_database_url: str
) -> None:
    app_env.setenv("DATABASE_URL", empty_database_url)
    reply = ready()
    assert (reply.status, reply.json()) == (503, {"detail": "Database unavailable."})
