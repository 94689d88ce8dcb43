"""One seeding run in a fresh process, printing `seconds peak_rss_mb rss_growth_mb` (run by
bench.seeding): the growth is the peak during the load over the resident size just before it.

`python -m bench.seed_probe ours|raw CSV DATABASE_URL`: `ours` is the seed function's code path;
`raw` is the floor, a bare psycopg COPY of the same rows, no validation, straight into
`vehicles` with its triggers and indexes; `snapshot` syncs the file in snapshot mode
(bench.seeding stores the previous feed first). The floor copies 5 of the columns: every
searched column a generated export fills (so its trigger computes the same search documents)
and the photos; the columns it leaves out only make it cheaper, a harder floor.
"""

from __future__ import annotations

import csv
import sys
import time

import psycopg

from bench.memory import peak_rss_kb, rss_kb
from shared.data.database import Database
from shared.ops.settings import Settings
from shared.seed.commands import run
from shared.seed.export import photo_urls

RAW_COPY = "COPY vehicles (vin, make, model, description, image_urls) FROM STDIN"


def raw(path: str, url: str) -> None:
    with open(path, encoding="utf-8-sig", newline="") as stream, psycopg.connect(url) as conn:
        rows = csv.DictReader(stream)
        with conn.cursor().copy(RAW_COPY) as copy:
            for row in rows:
                copy.write_row(
                    (
                        row["VIN"],
                        row["Make"],
                        row["Model"],
                        row["WebAdDescription"],
                        photo_urls(row["PhotoURLs"]),
                    )
                )


def ours(path: str, url: str) -> None:
    summary = run({"limit": -1, "csv_path": path}, Database(Settings(database_url=url)))
    assert summary["invalid"]["count"] == 0, summary["invalid"]


def snapshot(path: str, url: str) -> None:
    event = {"mode": "snapshot", "csv_path": path}
    summary = run(event, Database(Settings(database_url=url)))
    assert summary["invalid"]["count"] == 0, summary["invalid"]


def main() -> None:
    kind, path, url = sys.argv[1:4]
    before = rss_kb()
    start = time.perf_counter()
    {"raw": raw, "ours": ours, "snapshot": snapshot}[kind](path, url)
    elapsed = time.perf_counter() - start
    peak = peak_rss_kb()
    print(f"{elapsed} {peak / 1024} {(peak - before) / 1024}")


if __name__ == "__main__":
    main()
