"""Warm invocations of the HTTP functions in-process, against what a user would otherwise deploy.

Each route is measured four ways in the same interleaved rounds: ours (the real handler), the
plain Mangum + FastAPI + pydantic peer and the Powertools resolver peer (`bench.peers`), and raw
psycopg sending our statement on our kind of connection (what no handler can beat).
"""

from __future__ import annotations

import copy
import itertools
import json
import os
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
from psycopg import ClientCursor

from bench import auth, peers
from bench.stats import Row, Timings, interleaved, interleaved_timings, ratio_row
from shared.data import listing, vehicles
from shared.data.search import Search
from shared.data.vehicle_create import VehicleCreate
from shared.dev.events import LambdaContext, http_api_event
from shared.dev.factories import make_vin, new_vehicle
from shared.ops.settings import get_settings
from shared.runtime import get_database

CONTEXT = LambdaContext()
TARGET = 0.8  # ours at most this many times the FastAPI peer
PEER = "FastAPI peer"
Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


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


def _invoke(handler: Handler, event: dict[str, Any], status: int) -> Callable[[], None]:
    event = copy.deepcopy(event)  # each its own: no handler sees another's changes

    def call() -> None:
        answer = handler(event, CONTEXT)
        assert answer["statusCode"] == status, answer

    return call


def _posts(handler: Handler, vins: Iterator[int], count: int) -> Callable[[], None]:
    # Events are built beforehand: building the request is not the handler's cost.
    events = iter(
        [
            http_api_event("POST", "/api/vehicles", body=json.dumps(new_vehicle(vin=make_vin(n))))
            for n in itertools.islice(vins, count)
        ]
    )

    def call() -> None:
        answer = handler(next(events), CONTEXT)
        assert answer["statusCode"] == 201, answer

    return call


def _route_rows(route: str, timings: Timings, label: str) -> list[Row]:
    samples, cpu = dict(timings.wall), timings.cpu
    ours, peer = samples.pop("ours"), samples[PEER]
    others = ", ".join(
        f"{name} {sample} ({ours.median / sample.median:.2f}x)" for name, sample in samples.items()
    )
    result = [
        ratio_row(f"{label}warm {route}: ours vs {PEER}", ours, peer, at_most=TARGET, note=others)
    ]
    result += [Row(f"{label}warm {route}: {name}", sample) for name, sample in samples.items()]
    # The same loops' CPU time in this process: each handler's own work, without the wait for
    # the database that both share. Shown, not a target (the target is the wall time above).
    cpu_others = ", ".join(f"{name} {sample}" for name, sample in cpu.items() if name != "ours")
    result.append(
        Row(f"{label}warm {route}: ours vs {PEER}, CPU", cpu["ours"], cpu[PEER], note=cpu_others)
    )
    return result


def rows(url: str, *, calls: int = 1000, repeats: int = 7, label: str = "") -> list[Row]:
    from functions import create_vehicle, get_vehicle, health, list_vehicles  # noqa: PLC0415

    os.environ["AUTH_WRITE"] = "off"  # the POST rows below are the legacy, unauthenticated ones
    get_settings.cache_clear()
    raw = _raw(url)
    fastapi, powertools = peers.fastapi_handler(url), peers.powertools_handler(url)
    db = get_database()
    with db.transaction() as conn:
        conn.execute("TRUNCATE vehicles")
    for serial in range(200):
        vehicles.insert(db=db, vehicle=VehicleCreate(**new_vehicle(vin=make_vin(serial))))
    vin = make_vin(7)
    result: list[Row] = []

    by_vin = http_api_event("GET", f"/api/vehicles/{vin}")
    timings = interleaved_timings(
        {
            "ours": _invoke(get_vehicle.handler, by_vin, 200),
            PEER: _invoke(fastapi, by_vin, 200),
            "Powertools peer": _invoke(powertools, by_vin, 200),
            "raw psycopg": lambda: raw(vehicles.BY_VIN.call, {"vin": vin}),
        },
        per_loop=calls,
        repeats=repeats,
    )
    result += _route_rows("GET /api/vehicles/{vin}", timings, label)

    page = http_api_event("GET", "/api/vehicles", query="page=1&page_size=10")
    # What ours sends for page 1 (the function of shared.data.plans), as raw psycopg would.
    _, params = listing.statement_for(
        Search(), page=1, page_size=10, position=None, count="estimated"
    )
    timings = interleaved_timings(
        {
            "ours": _invoke(list_vehicles.handler, page, 200),
            PEER: _invoke(fastapi, page, 200),
            "Powertools peer": _invoke(powertools, page, 200),
            "raw psycopg": lambda: raw(listing.FIRST_PAGES.call, params),
        },
        per_loop=calls,
        repeats=repeats,
    )
    result += _route_rows("GET /api/vehicles?page=1", timings, label)

    serials = itertools.count(10_000)
    posts = calls // 4
    count = repeats * posts + max(50, posts // 10)
    timings = interleaved_timings(
        {
            "ours": _posts(create_vehicle.handler, serials, count),
            PEER: _posts(fastapi, serials, count),
            "Powertools peer": _posts(powertools, serials, count),
            "raw psycopg": lambda: raw(
                vehicles.INSERTS.trusted.call,
                {
                    "vehicle": VehicleCreate(
                        **new_vehicle(vin=make_vin(next(serials)))
                    ).model_dump_json(),
                    "caller_dealers": None,
                },
            ),
            # The least any POST can do: the peer's own INSERT, psycopg alone. Its commit waits
            # for the WAL flush, as every stored row must.
            PLAIN_INSERT: lambda: raw(
                peers.INSERT, VehicleCreate(**new_vehicle(vin=make_vin(next(serials)))).model_dump()
            ),
        },
        per_loop=posts,
        repeats=repeats,
    )
    bound = Row(
        f"{label}warm POST /api/vehicles: {PLAIN_INSERT} vs {PEER} (the least a POST costs)",
        timings.wall[PLAIN_INSERT],
        timings.wall[PEER],
    )
    result += [*_route_rows("POST /api/vehicles", timings, label), bound]

    samples = interleaved(
        {"ours": _invoke(health.handler, http_api_event("GET", "/health"), 200)},
        per_loop=calls,
        repeats=repeats,
    )
    result.append(Row(f"{label}warm GET /health (no database)", samples["ours"]))
    result += _lifecycle(raw, calls=calls, label=label)
    with db.transaction() as conn:  # the auth rows post VINs of their own from an empty table
        conn.execute("TRUNCATE vehicles")
    return result + auth.rows(calls=calls // 4, label=label)


PLAIN_INSERT = "plain INSERT, raw psycopg"
# The floors of PATCH and DELETE: the plainest statements that change or remove one row.
RAW_UPDATE = "UPDATE vehicles SET price = %(price)s WHERE vin = %(vin)s RETURNING vin"
RAW_DELETE = "DELETE FROM vehicles WHERE vin = %(vin)s RETURNING vin"


def _lifecycle(raw: Callable[[str, dict[str, Any]], Any], *, calls: int, label: str) -> list[Row]:
    """Warm PATCH (a price change each call) and DELETE, against raw UPDATE/DELETE RETURNING,
    each timed interleaved with its floor."""
    from functions import delete_vehicle, update_vehicle  # noqa: PLC0415

    result: list[Row] = []
    vin = make_vin(7)
    prices = itertools.count(1)
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

    samples = interleaved(
        {
            "ours": patch,
            "floor": lambda: raw(RAW_UPDATE, {"vin": vin, "price": next(prices)}),
        },
        per_loop=calls,
    )
    result.append(
        ratio_row(
            f"{label}warm PATCH /api/vehicles/{{vin}}",
            samples["ours"],
            samples["floor"],
            at_most=2.5,
        )
    )

    db = get_database()
    per_loop = calls // 4
    count = per_loop * 8 + 200  # the warm-up and seven timed loops, for each of the two
    start = 500_000
    for serial in range(start, start + 2 * count):
        vehicles.insert(db=db, vehicle=VehicleCreate(**new_vehicle(vin=make_vin(serial))))
    floor_vins = iter([make_vin(n) for n in range(start, start + count)])
    deletes = iter(
        [
            http_api_event("DELETE", f"/api/vehicles/{make_vin(n)}")
            for n in range(start + count, start + 2 * count)
        ]
    )

    def delete() -> None:
        answer = delete_vehicle.handler(next(deletes), CONTEXT)
        assert answer["statusCode"] == 204, answer

    samples = interleaved(
        {"ours": delete, "floor": lambda: raw(RAW_DELETE, {"vin": next(floor_vins)})},
        per_loop=per_loop,
    )
    result.append(
        ratio_row(
            f"{label}warm DELETE /api/vehicles/{{vin}}",
            samples["ours"],
            samples["floor"],
            at_most=2.5,
        )
    )
    return result
