"""Warm invocations of the HTTP functions in-process, against raw psycopg running the same SQL."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from typing import Any

import psycopg
from psycopg import ClientCursor

from bench.stats import Row, per_call_us, ratio_row
from shared.data import vehicles
from shared.data.models import VehicleCreate
from shared.ops.settings import get_settings
from shared.runtime import get_database
from tests.fixtures.api import make_vin, new_vehicle
from tests.fixtures.events import LambdaContext, http_api_event

CONTEXT = LambdaContext()


def _raw(url: str) -> Callable[[str, dict[str, Any]], Any]:
    """The floor: the statement our code sends, on the same kind of connection, nothing else."""
    conn = psycopg.connect(
        url, autocommit=True, prepare_threshold=None, cursor_factory=ClientCursor
    )
    timeout = f"SET LOCAL statement_timeout = {get_settings().db_statement_timeout_ms}; "

    def run(sql: str, params: dict[str, Any]) -> Any:
        cur = conn.cursor()
        cur.execute(timeout + sql, params)
        cur.nextset()
        return cur.fetchone()

    return run


def _invoke(
    handler: Callable[[dict[str, Any], Any], dict[str, Any]], event: dict[str, Any], status: int
) -> Callable[[], None]:
    def call() -> None:
        answer = handler(event, CONTEXT)
        assert answer["statusCode"] == status, answer

    return call


def rows(url: str, *, calls: int = 2000) -> list[Row]:
    from functions import create_vehicle, get_vehicle, health, list_vehicles  # noqa: PLC0415

    raw = _raw(url)
    db = get_database()
    for serial in range(200):
        vehicles.insert(db=db, vehicle=VehicleCreate(**new_vehicle(vin=make_vin(serial))))
    vin = make_vin(7)
    result: list[Row] = []

    floor = per_call_us(lambda: raw(vehicles.GET_BY_VIN, {"vin": vin}), calls=calls)
    value = per_call_us(
        _invoke(get_vehicle.handler, http_api_event("GET", f"/api/vehicles/{vin}"), 200),
        calls=calls,
    )
    result.append(ratio_row("warm GET /api/vehicles/{vin}", value, floor, at_most=2.5))
    # For reference only: what the same SELECT costs with psycopg's defaults (server-side binding,
    # prepared after five runs, no statement timeout), which a transaction pooler does not allow.
    direct = psycopg.connect(url, autocommit=True)
    naive = per_call_us(
        lambda: direct.execute(vehicles.GET_BY_VIN, {"vin": vin}).fetchone(), calls=calls
    )
    result.append(
        Row("reference: the by-VIN SELECT with psycopg defaults (not pooler-safe)", naive)
    )
    direct.close()

    params = {"page": 1, "page_size": 10, "offset": 0}
    floor = per_call_us(lambda: raw(vehicles.LIST_PAGE, params), calls=calls)
    event = http_api_event("GET", "/api/vehicles", query="page=1&page_size=10")
    value = per_call_us(_invoke(list_vehicles.handler, event, 200), calls=calls)
    result.append(ratio_row("warm GET /api/vehicles?page=1", value, floor, at_most=2.5))

    serials = itertools.count(10_000)
    floor = per_call_us(
        lambda: raw(
            vehicles.INSERT, VehicleCreate(**new_vehicle(vin=make_vin(next(serials)))).model_dump()
        ),
        calls=calls // 4,
    )
    # Events are built beforehand: reading the captured event file is not the handler's cost.
    events = iter(
        [
            http_api_event("POST", "/api/vehicles", body=json.dumps(new_vehicle(vin=make_vin(n))))
            for n in itertools.islice(serials, 8 * calls // 4 + 100)
        ]
    )

    def create() -> None:
        answer = create_vehicle.handler(next(events), CONTEXT)
        assert answer["statusCode"] == 201, answer

    value = per_call_us(create, calls=calls // 4)
    result.append(ratio_row("warm POST /api/vehicles", value, floor, at_most=2.5))

    result += _lifecycle(raw, calls=calls)

    value = per_call_us(_invoke(health.handler, http_api_event("GET", "/health"), 200), calls=calls)
    result.append(Row("warm GET /health (no database)", value))
    return result


# The floors of PATCH and DELETE: the plainest statements that change or remove one row.
RAW_UPDATE = "UPDATE vehicles SET price = %(price)s WHERE vin = %(vin)s RETURNING vin"
RAW_DELETE = "DELETE FROM vehicles WHERE vin = %(vin)s RETURNING vin"


def _lifecycle(raw: Callable[[str, dict[str, Any]], Any], *, calls: int) -> list[Row]:
    """Warm PATCH (a price change each call) and DELETE, against raw UPDATE/DELETE RETURNING."""
    from functions import delete_vehicle, update_vehicle  # noqa: PLC0415

    result: list[Row] = []
    vin = make_vin(7)
    prices = itertools.count(1)
    floor = per_call_us(lambda: raw(RAW_UPDATE, {"vin": vin, "price": next(prices)}), calls=calls)
    merge = {"content-type": "application/merge-patch+json"}
    events = [
        http_api_event(
            "PATCH", f"/api/vehicles/{vin}", body=json.dumps({"price": n}), headers=merge
        )
        for n in range(2)
    ]
    turn = itertools.cycle(events)

    def patch() -> None:
        answer = update_vehicle.handler(next(turn), CONTEXT)
        assert answer["statusCode"] == 200, answer

    value = per_call_us(patch, calls=calls)
    result.append(ratio_row("warm PATCH /api/vehicles/{vin}", value, floor, at_most=2.5))

    db = get_database()
    count = (calls // 4) * 8 + 200  # warm-up and seven timed loops, for each of the two
    serials = iter(range(500_000, 500_000 + 2 * count))
    for serial in range(500_000, 500_000 + 2 * count):
        vehicles.insert(db=db, vehicle=VehicleCreate(**new_vehicle(vin=make_vin(serial))))
    floor = per_call_us(lambda: raw(RAW_DELETE, {"vin": make_vin(next(serials))}), calls=calls // 4)
    deletes = iter([http_api_event("DELETE", f"/api/vehicles/{make_vin(n)}") for n in serials])

    def delete() -> None:
        answer = delete_vehicle.handler(next(deletes), CONTEXT)
        assert answer["statusCode"] == 204, answer

    value = per_call_us(delete, calls=calls // 4)
    result.append(ratio_row("warm DELETE /api/vehicles/{vin}", value, floor, at_most=2.5))
    return result
