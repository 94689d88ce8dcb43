"""Cold init: a fresh interpreter importing one function module, against the bare imports floor."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from bench.stats import Row, Sample, ratio_row

PROJECT = Path(__file__).resolve().parent.parent
FUNCTIONS = ["health", "list_vehicles", "get_vehicle", "create_vehicle", "docs", "migrate", "seed"]
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


def _spawn(code: str, env: dict[str, str]) -> tuple[float, float]:
    start = time.perf_counter()
    out = _python(code, env)
    elapsed_ms = (time.perf_counter() - start) * 1e3
    return elapsed_ms, int(out.strip().splitlines()[-1]) / 1024


def rows(database_url: str, *, runs: int = 9) -> list[Row]:
    """Each run spawns the floor and every function in turn, so load drift hits them alike."""
    env = {**os.environ, "DATABASE_URL": database_url}
    settings = "from shared.ops.settings import get_settings; get_settings()"
    probes = {"floor": PROBE.format(imports=FLOOR, extra="")} | {
        name: PROBE.format(imports=f"import functions.{name}", extra=settings) for name in FUNCTIONS
    }
    for code in probes.values():
        _spawn(code, env)  # warm the page cache and the .pyc files
    times: dict[str, list[float]] = {name: [] for name in probes}
    peaks: dict[str, list[float]] = {name: [] for name in probes}
    for _ in range(runs):
        for name, code in probes.items():
            elapsed, peak = _spawn(code, env)
            times[name].append(elapsed)
            peaks[name].append(peak)
    floor = Sample(tuple(times.pop("floor")), "ms")
    floor_rss = Sample(tuple(peaks.pop("floor")), "MB")
    result = [Row("cold init floor: bare imports", floor, note=f"peak RSS {floor_rss}")]
    for name, values in times.items():
        rss = Sample(tuple(peaks[name]), "MB")
        result.append(
            ratio_row(
                f"cold init functions.{name}",
                Sample(tuple(values), "ms"),
                floor,
                at_most=1.15 if name == "create_vehicle" else 1.25,
                note=f"peak RSS {rss}",
            )
        )
    result.append(_first_invocation(env, runs))
    return result


# The first request a new container serves, after import: connect, query, and whatever the
# handler sets up on first use (logger, metrics), through the real handler with a v2 event.
FIRST = """
import time
from functions import get_vehicle
from tests.fixtures.events import LambdaContext, http_api_event
event = http_api_event("GET", "/api/vehicles/1HGCM82633A004352")
start = time.perf_counter()
answer = get_vehicle.handler(event, LambdaContext())
print(f"FIRST {(time.perf_counter() - start) * 1e3} {answer['statusCode']}")
"""


def _first_invocation(env: dict[str, str], runs: int) -> Row:
    firsts = []
    for _ in range(runs):
        out = _python(FIRST, env)
        elapsed, status = out.rsplit("FIRST ", 1)[1].split()
        assert status in ("200", "404"), out
        firsts.append(float(elapsed))
    return Row(
        "first invocation after import (connect + by-VIN query)", Sample(tuple(firsts), "ms")
    )
