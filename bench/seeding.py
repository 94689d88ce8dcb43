"""Seeding a generated dealership export: rows/s and peak RSS, against a raw COPY floor."""

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


def _probe(kind: str, path: Path, url: str) -> tuple[float, float]:
    out = subprocess.run(
        [sys.executable, "-m", "bench.seed_probe", kind, str(path), url],
        capture_output=True,
        text=True,
        check=True,
        cwd=PROJECT,
        env={**os.environ, "LOG_LEVEL": "WARNING"},
    )
    seconds, rss = out.stdout.split()[-2:]
    return float(seconds), float(rss)


def rows(
    db: Database, url: str, *, sizes: tuple[int, ...] = (10_000, 100_000), repeats: int = 3
) -> list[Row]:
    result: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="bench-seed-") as tmp:
        for size in sizes:
            path = generate_export(Path(tmp) / f"export-{size}.csv", size)
            mb = path.stat().st_size / 1e6
            runs: dict[str, list[tuple[float, float]]] = {"raw": [], "ours": []}
            for _ in range(repeats):
                for kind in ("raw", "ours"):  # interleaved, so both see the same machine load
                    with db.transaction() as conn:
                        conn.execute("TRUNCATE vehicles")
                    runs[kind].append(_probe(kind, path, url))
            raw_rate = Sample(tuple(size / s for s, _ in runs["raw"]), "rows/s")
            our_rate = Sample(tuple(size / s for s, _ in runs["ours"]), "rows/s")
            ratio = our_rate.median / raw_rate.median
            result.append(
                Row(
                    f"seed {size:,} rows ({mb:.0f} MB) throughput",
                    our_rate,
                    raw_rate,
                    ">= 0.7x floor",
                    ratio >= 0.7,
                )
            )
            rss = Sample(tuple(r for _, r in runs["ours"]), "MB")
            raw_rss = Sample(tuple(r for _, r in runs["raw"]), "MB")
            result.append(
                Row(f"seed {size:,} rows peak RSS", rss, raw_rss, "< 200 MB", rss.median < 200)
            )
        with db.transaction() as conn:
            conn.execute("TRUNCATE vehicles")
    return result
