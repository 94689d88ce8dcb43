"""The list's query language at a million rows: the query mix (time and plan of each), cursor
paging at any depth, the indexes' size and what they cost a 100,000-row seed.

Times are of the real handler (`functions.list_vehicles`), one database round trip each; plans
come from EXPLAIN (ANALYZE) of the same statement, run separately (the bench only).
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from psycopg import ClientCursor

from bench.search_data import FILL, MIX
from bench.seeding import _probe as seed_probe
from bench.stats import Row, Sample
from shared.api.query import ListQuery
from shared.data import cursor
from shared.data.database import Database
from shared.data.listing import statement_for
from shared.data.search import SORTS
from shared.dev.events import LambdaContext, http_api_event
from shared.dev.exports import generate_export
from shared.migrations.runner import Migrator

BEFORE_SEARCH = "0005"  # the last migration before the search document (0006) and indexes (0007)
_SCANS = {"Index Scan": "index", "Index Only Scan": "index", "Bitmap Heap Scan": "bitmap"}


def _call(query: str) -> Callable[[], dict[str, Any]]:
    from functions import list_vehicles  # noqa: PLC0415 - imported once the env is set

    event = http_api_event("GET", "/api/vehicles", query=query)

    def call() -> dict[str, Any]:
        answer = list_vehicles.handler(event, LambdaContext())
        assert answer["statusCode"] == 200, answer
        body: dict[str, Any] = json.loads(answer["body"])
        return body

    return call


def _timed(call: Callable[[], object], repeats: int) -> Sample:
    call()
    values = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        values.append((time.perf_counter() - start) * 1e3)
    return Sample(tuple(values), "ms")


def _plan(db: Database, query: str) -> str:
    """The scans of `query`'s statement on vehicles: `index`, `bitmap` or `seq`, with the index."""
    params = ListQuery.model_validate(
        {k: v if k in ("make", "model", "status") else v[0] for k, v in parse_qs(query).items()}
    )
    statement, values = statement_for(
        params.search(),
        page=params.page,
        page_size=params.page_size,
        position=None,
        count=params.count or "estimated",
    )
    conn = db.connection()
    text = ClientCursor(conn).mogrify(statement, values)
    found = conn.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {text}").fetchone()
    assert found is not None
    plan = found[0]
    scans = sorted({_scan(node) for node in _nodes(plan[0]["Plan"]) if _scan(node)})
    return ", ".join(scans)


def _nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("Plans", []):
        yield from _nodes(child)


def _scan(node: dict[str, Any]) -> str:
    if node.get("Relation Name") != "vehicles" and "Index Name" not in node:
        return ""
    kind = node["Node Type"]
    if kind == "Seq Scan":
        return "seq"
    if kind in _SCANS:
        return f"{_SCANS[kind]}{'(' + node['Index Name'] + ')' if 'Index Name' in node else ''}"
    if kind == "Bitmap Index Scan":
        return f"bitmap({node['Index Name']})"
    return ""


def _mix(db: Database, repeats: int) -> list[Row]:
    result: list[Row] = []
    every: list[float] = []
    for query, meaning in MIX:
        call = _call(query)
        sample = _timed(call, repeats)
        body = call()
        every += sample.values
        note = f"{meaning}; {_plan(db, query)}; total {body['total']} ({body['count']})"
        result.append(Row(f"search: {query}", sample, target="every call < 100 ms",
                          passed=max(sample.values) < 100, note=note))  # fmt: skip
    p95 = statistics.quantiles(every, n=20)[-1]
    result.append(Row(f"search mix of {len(MIX)}: p95 of every call", Sample((p95,), "ms"),
                      target="< 15 ms", passed=p95 < 15))  # fmt: skip
    result.append(Row("search mix: slowest call", Sample((max(every),), "ms"),
                      target="< 100 ms", passed=max(every) < 100))  # fmt: skip
    return result


def _deep_cursor(db: Database, sort: str, row: int) -> str:
    """The cursor a walk of page_size 10 would hold after `row` rows (page `row / 10`)."""
    spec = SORTS[sort]
    key_text = spec.key_text.replace("sort_key", spec.key)
    found = db.fetch_one(
        f"SELECT {key_text}, vin FROM vehicles ORDER BY {spec.key} "
        f"{'DESC' if spec.descending else 'ASC'}, vin {'DESC' if spec.vin_descending else 'ASC'}"
        " OFFSET %(row)s - 1 LIMIT 1",
        {"row": row},
        retry=True,
    )
    assert found is not None
    search = ListQuery.model_validate({"sort": sort}).search()
    return cursor.encode(key_text=found[0], vin=found[1], page=row // 10 + 1, search=search)


def _paging(db: Database, vehicles: int, repeats: int) -> list[Row]:
    """Page 2 and the page halfway through (page 50,000 of a million at 10 a page)."""
    result = []
    for sort in ("newest", "price", "-mileage"):
        for row in (10, vehicles // 2 - 10):
            token = _deep_cursor(db, sort, row)
            sample = _timed(_call(f"sort={sort}&page_size=10&cursor={token}"), repeats)
            result.append(Row(f"cursor page {row // 10 + 1:,}, sort={sort}", sample,
                              target="< 2 ms", passed=sample.median < 2))  # fmt: skip
    page = vehicles // 20
    offset = _timed(_call(f"page={page}&page_size=10"), repeats)
    result.append(Row(f"reference: page={page} by OFFSET (as today)", offset, note="newest"))
    return result


def _sizes(db: Database) -> list[Row]:
    found = db.fetch_one(
        "SELECT pg_table_size('vehicles'), pg_indexes_size('vehicles'),"
        " (SELECT json_object_agg(indexrelid::regclass::text, pg_relation_size(indexrelid))"
        "  FROM pg_index WHERE indrelid = 'vehicles'::regclass)",
        retry=True,
    )
    assert found is not None
    table, indexes, each = found
    result = [
        Row("table size (heap + TOAST)", Sample((table / 1e6,), "MB")),
        Row("all indexes", Sample((indexes / 1e6,), "MB")),
    ]
    for name, size in sorted(each.items(), key=lambda item: -item[1]):
        result.append(Row(f"index {name}", Sample((size / 1e6,), "MB")))
    return result


def _insert_cost(db: Database, url: str, size: int, repeats: int) -> list[Row]:
    """A seed of `size` rows into an empty table, with and without 0006-0007."""
    runs: dict[str, list[float]] = {"today": [], "indexed": []}
    migrator = Migrator(db)
    with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
        path = generate_export(Path(tmp) / "export.csv", size)
        for _ in range(repeats):
            for kind in ("today", "indexed"):  # interleaved: both see the same machine load
                with db.transaction() as conn:
                    conn.execute("TRUNCATE vehicles")
                if kind == "today":
                    migrator.down(target=BEFORE_SEARCH)
                else:
                    migrator.up()
                runs[kind].append(seed_probe("ours", path, url)[0])
    today = Sample(tuple(runs["today"]), "s")
    indexed = Sample(tuple(runs["indexed"]), "s")
    return [Row(f"seed {size:,} rows with the search indexes", indexed, today,
                note="floor: the same seed with today's indexes")]  # fmt: skip


def rows(db: Database, url: str, *, vehicles: int = 1_000_000, repeats: int = 15) -> list[Row]:
    result = _insert_cost(db, url, 10_000 if vehicles < 1_000_000 else 100_000, repeats=3)
    migrator = Migrator(db)
    migrator.down(target=BEFORE_SEARCH)
    start = time.perf_counter()
    with db.transaction(timeout_ms=0) as conn:
        conn.execute("TRUNCATE vehicles")
        conn.execute(FILL, {"rows": vehicles})
    fill_s = time.perf_counter() - start
    start = time.perf_counter()
    migrator.up()  # CREATE INDEX CONCURRENTLY of each search index over the filled table
    build_s = time.perf_counter() - start
    db.connection().execute("VACUUM ANALYZE vehicles")
    result += [
        Row(f"fill {vehicles:,} vehicles (setup)", Sample((fill_s,), "s")),
        Row(f"documents and search indexes over {vehicles:,} (0006-0007)", Sample((build_s,), "s")),
    ]
    result += _sizes(db)
    result += _mix(db, repeats)
    result += _paging(db, vehicles, repeats)
    return result
