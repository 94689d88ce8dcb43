"""Cold init: a fresh interpreter importing one function module, against the bare imports floor;
and, so that work put off from import to the first request is counted, import plus that first
request, against the bare imports plus a connection and one query."""

from __future__ import annotations

import compileall
import itertools
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.stats import Row, Sample, ratio_row
from shared.dev.events import http_api_event
from shared.dev.factories import make_vin, new_vehicle

PROJECT = Path(__file__).resolve().parent.parent
FUNCTIONS = [
    "health",
    "list_vehicles",
    "get_vehicle",
    "create_vehicle",
    "update_vehicle",
    "delete_vehicle",
    "docs",
    "migrate",
    "seed",
]
MAX_RATIO = 1.15  # every function at most this many times the bare imports
FLOOR = "import fastapi, mangum, psycopg, pydantic"
# Settings are read as a cold start would; no database connection is opened at import. Peak RSS
# is /proc's VmHWM: getrusage's ru_maxrss survives exec, so it would report the parent's peak.
PROBE = (
    "{imports}\n{extra}\n"
    "print([x for x in open('/proc/self/status') if x.startswith('VmHWM')][0].split()[1])"
)


def _python(code: str, env: dict[str, str]) -> str:
    """What a fresh interpreter running `code` printed."""
    run = [sys.executable, "-c", code]
    return subprocess.run(
        run, capture_output=True, text=True, check=True, env=env, cwd=PROJECT
    ).stdout


def _spawn(code: str, env: dict[str, str]) -> tuple[float, float, float]:
    """Wall time, CPU time (user + system of the child) and peak RSS of one fresh interpreter.
    On a shared machine the wall time also holds the waits for a core; the CPU time does not."""
    start, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    out = _python(code, env)
    elapsed_ms = (time.perf_counter() - start) * 1e3
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_ms = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1e3
    return elapsed_ms, cpu_ms, int(out.strip().splitlines()[-1]) / 1024


def compile_project() -> None:
    """Write the project's .pyc files, as the floor's packages have theirs (pip compiled them).
    The warm-up spawns below write them too, except under PYTHONDONTWRITEBYTECODE=1 (set in
    some shells): every function's spawn then compiled about 60 modules from source, which
    the floor never does."""
    for package in ("functions", "shared"):
        compileall.compile_dir(PROJECT / package, quiet=1)


def rows(database_url: str, *, runs: int = 9, label: str = "") -> list[Row]:
    """Each run spawns the floor and every function in turn, so load drift hits them alike."""
    compile_project()
    env = {**os.environ, "DATABASE_URL": database_url}
    settings = "from shared.ops.settings import get_settings; get_settings()"
    probes = {"floor": PROBE.format(imports=FLOOR, extra="")} | {
        name: PROBE.format(imports=f"import functions.{name}", extra=settings) for name in FUNCTIONS
    }
    for code in probes.values():
        _spawn(code, env)  # warm the page cache and the .pyc files
    times: dict[str, list[float]] = {name: [] for name in probes}
    cpu: dict[str, list[float]] = {name: [] for name in probes}
    peaks: dict[str, list[float]] = {name: [] for name in probes}
    for _ in range(runs):
        for name, code in probes.items():
            elapsed, used, peak = _spawn(code, env)
            times[name].append(elapsed)
            cpu[name].append(used)
            peaks[name].append(peak)
    floor = Sample(tuple(times.pop("floor")), "ms")
    floor_cpu = Sample(tuple(cpu.pop("floor")), "ms")
    floor_rss = Sample(tuple(peaks.pop("floor")), "MB")
    result = [Row(f"{label}cold init floor: bare imports", floor, note=f"peak RSS {floor_rss}")]
    for name, values in times.items():
        rss = Sample(tuple(peaks[name]), "MB")
        result.append(
            ratio_row(
                f"{label}cold init functions.{name}",
                Sample(tuple(values), "ms"),
                floor,
                at_most=MAX_RATIO,
                note=f"peak RSS {rss}",
            )
        )
    result.append(Row(f"{label}cold init CPU floor: bare imports", floor_cpu))
    result += [
        ratio_row(f"{label}cold init CPU functions.{name}", Sample(tuple(values), "ms"),
                  floor_cpu, at_most=MAX_RATIO)
        for name, values in cpu.items()
    ]  # fmt: skip
    result += _init_and_first(env, runs, label)
    result.append(_first_invocation(env, runs, label))
    return result


# A fresh process importing the function and serving its first request, the event read from
# argv (built here: the event builders are not the function's cost); the context as Lambda's.
FIRST_REQUEST = """
import json, sys
import functions.{name} as function
class Context:
    function_name, aws_request_id, memory_limit_in_mb = "cold", "cold-1", 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:cold"
answer = function.handler(json.loads(sys.argv[1]), Context())
assert answer["statusCode"] in {statuses}, answer
"""
FIRST_FLOOR = f"""
import sys
{FLOOR}
with psycopg.connect(sys.argv[1], autocommit=True) as conn:
    conn.execute("SELECT 1").fetchone()
"""
_SERIALS = itertools.count(900_000 + os.getpid() % 1000 * 1000)
HTTP: dict[str, tuple[Callable[[], dict[str, Any]], tuple[int, ...]]] = {
    "health": (lambda: http_api_event("GET", "/health"), (200,)),
    "list_vehicles": (lambda: http_api_event("GET", "/api/vehicles", query="page=1"), (200,)),
    "get_vehicle": (lambda: http_api_event("GET", f"/api/vehicles/{make_vin(7)}"), (200, 404)),
    "create_vehicle": (
        lambda: http_api_event(
            "POST", "/api/vehicles", body=json.dumps(new_vehicle(vin=make_vin(next(_SERIALS))))
        ),
        (201,),
    ),
    "update_vehicle": (
        lambda: http_api_event(
            "PATCH",
            f"/api/vehicles/{make_vin(7)}",
            body='{"mileage": 1}',
            headers={"content-type": "application/json"},
        ),
        (200, 404),
    ),
    "delete_vehicle": (
        lambda: http_api_event("DELETE", f"/api/vehicles/{make_vin(8)}"),
        (204, 404),
    ),
    "docs": (lambda: http_api_event("GET", "/openapi.json"), (200,)),
}


def _timed(code: str, argument: str, env: dict[str, str]) -> float:
    start = time.perf_counter()
    run = [sys.executable, "-c", code, argument]
    subprocess.run(run, capture_output=True, check=True, env=env, cwd=PROJECT)
    return (time.perf_counter() - start) * 1e3


def _init_and_first(env: dict[str, str], runs: int, label: str) -> list[Row]:
    """Import plus first request of each HTTP function, interleaved with its floor (health,
    which needs no database, against the bare imports alone)."""
    env = {**env, "AUTH_WRITE": "off", "LOG_LEVEL": "WARNING"}  # the warm rows' POST
    url = env["DATABASE_URL"]
    floors: dict[str, list[float]] = {"bare": [], "query": []}
    times: dict[str, list[float]] = {name: [] for name in HTTP}
    for round_ in range(runs + 1):  # the first round warms the page cache and .pyc files
        bare = _timed(FLOOR, "", env)
        query = _timed(FIRST_FLOOR, url, env)
        if round_:
            floors["bare"].append(bare)
            floors["query"].append(query)
        for name, (event, statuses) in HTTP.items():
            code = FIRST_REQUEST.format(name=name, statuses=set(statuses))
            elapsed = _timed(code, json.dumps(event()), env)
            if round_:
                times[name].append(elapsed)
    bare_floor = Sample(tuple(floors["bare"]), "ms")
    query_floor = Sample(tuple(floors["query"]), "ms")
    result = [
        Row(f"{label}init + first request floor: bare imports + connect + query", query_floor)
    ]
    for name, values in times.items():
        floor = bare_floor if name == "health" else query_floor
        result.append(
            ratio_row(
                f"{label}init + first request functions.{name}",
                Sample(tuple(values), "ms"),
                floor,
                at_most=MAX_RATIO,
                note="vs bare imports" if name == "health" else "vs imports + connect + query",
            )
        )
    return result


# The first request a new container serves, after import: connect, query, and whatever the
# handler sets up on first use (logger, metrics), through the real handler with a v2 event.
FIRST = """
import time
from functions import get_vehicle
from shared.dev.events import LambdaContext, http_api_event
event = http_api_event("GET", "/api/vehicles/1HGCM82633A004352")
start = time.perf_counter()
answer = get_vehicle.handler(event, LambdaContext())
print(f"FIRST {(time.perf_counter() - start) * 1e3} {answer['statusCode']}")
"""


def _first_invocation(env: dict[str, str], runs: int, label: str) -> Row:
    firsts = []
    for _ in range(runs):
        out = _python(FIRST, env)
        elapsed, status = out.rsplit("FIRST ", 1)[1].split()
        assert status in ("200", "404"), out
        firsts.append(float(elapsed))
    return Row(
        f"{label}first invocation after import (connect + by-VIN query)",
        Sample(tuple(firsts), "ms"),
    )
