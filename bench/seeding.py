"""Seeding a generated dealership export: rows/s and memory, against a raw COPY floor.

Each run is a fresh process (`bench.seed_probe`), ours and the raw COPY interleaved. Memory is
the growth of the resident set during the load (peak over the size just before it), so the
imports do not count and a loader that holds every row (or every VIN) shows up as it grows.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.stats import Row, Sample
from shared.data.database import Database
from shared.dev.exports import generate_export

PROJECT = Path(__file__).resolve().parent.parent
MIN_RATIO = 0.9  # ours at least this share of the raw COPY's rows/s
MAX_GROWTH_MB = 20


def _probe(kind: str, path: Path, url: str) -> tuple[float, float, float]:
    out = subprocess.run(
        [sys.executable, "-m", "bench.seed_probe", kind, str(path), url],
        capture_output=True,
        text=True,
        check=True,
        cwd=PROJECT,
        env={**os.environ, "LOG_LEVEL": "WARNING"},
    )
    seconds, peak, growth = out.stdout.split()[-3:]
    return float(seconds), float(peak), float(growth)


def rows(
    db: Database, url: str, *, sizes: tuple[int, ...] = (10_000, 100_000), repeats: int = 3
) -> list[Row]:
    result: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="bench-seed-") as tmp:
        for size in sizes:
            path = generate_export(Path(tmp) / f"export-{size}.csv", size)
            mb = path.stat().st_size / 1e6
            runs: dict[str, list[tuple[float, float, float]]] = {"raw": [], "ours": []}
            for _ in range(repeats):
                for kind in ("raw", "ours"):  # interleaved, so both see the same machine load
                    with db.transaction() as conn:
                        conn.execute("TRUNCATE vehicles")
                    runs[kind].append(_probe(kind, path, url))
            path.unlink()
            raw_rate = Sample(tuple(size / s for s, _, _ in runs["raw"]), "rows/s")
            our_rate = Sample(tuple(size / s for s, _, _ in runs["ours"]), "rows/s")
            ratio = our_rate.median / raw_rate.median
            result.append(
                Row(
                    f"seed {size:,} rows ({mb:.0f} MB) throughput vs raw COPY",
                    our_rate,
                    raw_rate,
                    f">= {MIN_RATIO}x floor",
                    ratio >= MIN_RATIO,
                )
            )
            growth = Sample(tuple(g for _, _, g in runs["ours"]), "MB")
            raw_growth = Sample(tuple(g for _, _, g in runs["raw"]), "MB")
            peak = Sample(tuple(p for _, p, _ in runs["ours"]), "MB")
            result.append(
                Row(
                    f"seed {size:,} rows RSS growth during the load",
                    growth,
                    raw_growth,
                    f"< {MAX_GROWTH_MB} MB",
                    growth.median < MAX_GROWTH_MB,
                    note=f"peak RSS {peak}",
                )
            )
        with db.transaction() as conn:
            conn.execute("TRUNCATE vehicles")
    return result
