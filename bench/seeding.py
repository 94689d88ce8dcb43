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


def snapshot_rows(db: Database, url: str, *, sizes: tuple[int, ...], repeats: int = 3) -> list[Row]:
    """A snapshot sync of a feed where 10% of the prices dropped, against a raw COPY of the same
    file into an empty table; peak RSS by size shows whether memory grows with the file."""
    result: list[Row] = []
    peaks: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-snapshot-") as tmp:
        for size in sizes:
            previous = generate_export(Path(tmp) / f"previous-{size}.csv", size)
            feed = generate_export(Path(tmp) / f"feed-{size}.csv", size, changed_every=10)
            runs: dict[str, list[tuple[float, ...]]] = {"raw": [], "snapshot": []}
            for _ in range(repeats):
                with db.transaction() as conn:
                    conn.execute("TRUNCATE vehicles")
                runs["raw"].append(_probe("raw", feed, url))
                with db.transaction() as conn:
                    conn.execute("TRUNCATE vehicles")
                _probe("ours", previous, url)  # the feed as it was: 90% unchanged, 10% cheaper
                runs["snapshot"].append(_probe("snapshot", feed, url))
            raw_rate = Sample(tuple(size / run[0] for run in runs["raw"]), "rows/s")
            our_rate = Sample(tuple(size / run[0] for run in runs["snapshot"]), "rows/s")
            ratio = our_rate.median / raw_rate.median
            result.append(
                Row(
                    f"snapshot sync {size:,} rows, 10% changed: throughput",
                    our_rate,
                    raw_rate,
                    ">= 0.3x floor (raw COPY of the file)",
                    ratio >= 0.3,
                )
            )
            rss = Sample(tuple(run[1] for run in runs["snapshot"]), "MB")
            peaks.append(rss.median)
            result.append(Row(f"snapshot sync {size:,} rows peak RSS", rss))
        with db.transaction() as conn:
            conn.execute("TRUNCATE vehicles")
    growth = Sample((peaks[-1] - peaks[0],), "MB")
    result.append(
        Row(
            f"snapshot RSS growth {sizes[0]:,} -> {sizes[-1]:,} rows",
            growth,
            None,
            "< 20 MB",
            growth.median < 20,
        )
    )
    return result
