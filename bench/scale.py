"""The list at a million vehicles: page 1, page 100 and page 50,000 with the exact total."""

from __future__ import annotations

import json
import time

from bench.stats import Row, Sample
from shared.data.database import Database
from shared.dev.events import LambdaContext, http_api_event

# A million rows in one statement: created_at spread over time with groups of ten sharing a
# timestamp (as one seed run does), so the VIN tie-break is exercised too.
FILL = """
INSERT INTO vehicles (vin, make, model, description, image_urls, created_at)
SELECT 'S' || lpad(i::text, 16, '0'), 'Make ' || (i %% 40), 'Model ' || (i %% 300),
       repeat('A well kept vehicle. ', 20), ARRAY['https://img.example.com/' || i || '.jpg'],
       timestamptz '2024-01-01' + (i / 10) * interval '1 second'
FROM generate_series(1, %(rows)s) AS i
"""


def _timed(call: object, repeats: int) -> Sample:
    assert callable(call)
    call()
    values = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        values.append((time.perf_counter() - start) * 1e3)
    return Sample(tuple(values), "ms")


def rows(db: Database, *, vehicles: int = 1_000_000, repeats: int = 15) -> list[Row]:
    from functions import list_vehicles  # noqa: PLC0415

    start = time.perf_counter()
    with db.transaction(timeout_ms=0) as conn:
        conn.execute("TRUNCATE vehicles")
        conn.execute(FILL, {"rows": vehicles})
    # What autovacuum would soon do on its own; without it the timings depend on when it runs.
    db.connection().execute("VACUUM ANALYZE vehicles")
    fill_s = time.perf_counter() - start
    result = [Row(f"fill {vehicles:,} vehicles (setup)", Sample((fill_s,), "s"))]

    count = _timed(lambda: db.fetch_one("SELECT count(*) FROM vehicles", retry=True), repeats)
    result.append(Row("reference: SELECT count(*) at this size", count))
    for page, target in ((1, 5.0), (100, None), (50_000, None)):
        event = http_api_event("GET", "/api/vehicles", query=f"page={page}&page_size=10")

        def call(event: dict[str, object] = event) -> None:
            answer = list_vehicles.handler(event, LambdaContext())
            body = json.loads(answer["body"])
            assert answer["statusCode"] == 200 and body["total"] == vehicles, answer["statusCode"]

        sample = _timed(call, repeats)
        ok = None if target is None else sample.median < target
        result.append(
            Row(
                f"list page {page:,} of {vehicles:,}",
                sample,
                target=f"< {target} ms" if target else "no timeout",
                passed=ok if target else True,
                note="exact total",
            )
        )
    return result
