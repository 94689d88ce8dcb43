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


def _spawn(code: str, env: dict[str, str]) -> tuple[float, float]:
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=PROJECT,
    )
    elapsed_ms = (time.perf_counter() - start) * 1e3
    return elapsed_ms, int(out.stdout.strip().splitlines()[-1]) / 1024


def measure(
    imports: str, env: dict[str, str], *, runs: int, extra: str = ""
) -> tuple[Sample, Sample]:
    """Wall time (ms) and peak RSS (MB) of `runs` fresh interpreters, interleaved with nothing."""
    times, rss = [], []
    code = PROBE.format(imports=imports, extra=extra)
    _spawn(code, env)  # warm the page cache and .pyc files
    for _ in range(runs):
        elapsed, peak = _spawn(code, env)
        times.append(elapsed)
        rss.append(peak)
    return Sample(tuple(times), "ms"), Sample(tuple(rss), "MB")


def rows(database_url: str, *, runs: int = 9) -> list[Row]:
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONDONTWRITEBYTECODE": "0"}
    floor_time, floor_rss = measure(FLOOR, env, runs=runs)
    result = [Row("cold init floor: bare imports", floor_time, note=f"peak RSS {floor_rss}")]
    settings = "from shared.settings import get_settings; get_settings()"
    for name in FUNCTIONS:
        wall, peak = measure(f"import functions.{name}", env, runs=runs, extra=settings)
        result.append(
            ratio_row(
                f"cold init functions.{name}",
                wall,
                floor_time,
                at_most=1.25,
                note=f"peak RSS {peak}",
            )
        )
    first = (
        "from shared.db import get_database\n"
        "import time; t = time.perf_counter(); get_database().fetch_one('SELECT 1', retry=True)\n"
        "print(f'FIRST {(time.perf_counter() - t) * 1e3}')"
    )
    firsts = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", f"import functions.get_vehicle\n{first}"],
            capture_output=True,
            text=True,
            check=True,
            env=env,
            cwd=PROJECT,
        )
        firsts.append(float(out.stdout.split("FIRST ")[1]))
    result.append(Row("first query after import (connect + SELECT 1)", Sample(tuple(firsts), "ms")))
    return result
