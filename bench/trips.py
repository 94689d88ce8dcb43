"""Database round trips per HTTP request, counted as statements sent (the tests assert the same)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg

from bench.stats import Row, Sample
from shared.dev.events import LambdaContext, http_api_event
from shared.dev.factories import make_vin, new_vehicle


@contextmanager
def _round_trips() -> Iterator[list[str]]:
    """Every statement message sent while inside (as tests/fixtures/api.py's, without pytest)."""
    sent: list[str] = []
    execute = psycopg.Cursor.execute

    def counted(cursor: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
        sent.append(str(query))
        return execute(cursor, query, *args, **kwargs)

    psycopg.Cursor.execute = counted  # type: ignore[method-assign,assignment]
    try:
        yield sent
    finally:
        psycopg.Cursor.execute = execute  # type: ignore[method-assign]


def rows() -> list[Row]:
    from functions import create_vehicle, get_vehicle, health, list_vehicles  # noqa: PLC0415

    cases = [
        ("GET /health", health.handler, http_api_event("GET", "/health")),
        ("GET /api/vehicles", list_vehicles.handler, http_api_event("GET", "/api/vehicles")),
        (
            "GET /api/vehicles/{vin}",
            get_vehicle.handler,
            http_api_event("GET", f"/api/vehicles/{make_vin(1)}"),
        ),
        (
            "POST /api/vehicles",
            create_vehicle.handler,
            http_api_event(
                "POST", "/api/vehicles", body=json.dumps(new_vehicle(vin=make_vin(999_999)))
            ),
        ),
    ]
    result = []
    for name, handler, event in cases:
        handler(event, LambdaContext())  # the connection is open, as in a warm container
        with _round_trips() as sent:
            handler(event, LambdaContext())
        expected = 0 if name == "GET /health" else 1
        result.append(
            Row(
                f"round trips per request, {name}",
                Sample((float(len(sent)),), "trips"),
                target=f"= {expected}",
                passed=len(sent) == expected,
            )
        )
    return result
