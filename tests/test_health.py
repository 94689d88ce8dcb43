"""GET /health (no database) and GET /health/ready (the database answers, or 503 saying why)."""

from __future__ import annotations

import pytest

from functions import health
from tests.fixtures.api import assert_matches_openapi, round_trips, unreachable_database_url
from tests.fixtures.events import http_api_event, invoke


def test_health_answers_ok_without_a_database(monkeypatch: pytest.MonkeyPatch) -> None:
    # No DATABASE_URL at all: any database access would fail with a 500.
    with round_trips(monkeypatch) as sent:
        reply = invoke(health.handler, http_api_event("GET", "/health"))
    assert sent == []
    assert (reply.status, reply.json()) == (200, {"status": "ok"})
    assert_matches_openapi(reply, "GET", "/health")


def test_readiness_answers_ready_in_one_round_trip(
    app_env: pytest.MonkeyPatch, monkeypatch: pytest.MonkeyPatch
) -> None:
    with round_trips(monkeypatch) as sent:
        reply = invoke(health.handler, http_api_event("GET", "/health/ready"))
    assert (reply.status, reply.json()) == (200, {"status": "ready"})
    assert len(sent) == 1
    assert_matches_openapi(reply, "GET", "/health/ready")


def test_readiness_answers_503_with_a_reason_when_the_database_is_down(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", unreachable_database_url())
    reply = invoke(health.handler, http_api_event("GET", "/health/ready"))
    assert (reply.status, reply.json()) == (503, {"detail": "Database unavailable."})
    assert reply.headers["retry-after"] == "5"
    assert_matches_openapi(reply, "GET", "/health/ready")
