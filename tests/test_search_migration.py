"""Migrations 0006-0007 on a table that already holds vehicles: every row gets its search
document in batches (through PgBouncer too), nothing else of the row changes, and the trigger
keeps the document of rows written afterwards."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from functions import list_vehicles
from shared.data.database import Database
from shared.migrations.runner import Migrator
from shared.ops.settings import Settings, get_settings
from shared.runtime import get_database
from tests.fixtures.events import http_api_event, invoke

BEFORE = "0005"
ROWS = 12_001  # three batches of 5,000 and one more row
_FILL = """
INSERT INTO vehicles (vin, make, model, description, stock_number, created_at)
SELECT 'VIN' || lpad(n::text, 14, '0'),
       CASE WHEN n = 1 THEN 'Citroën' ELSE 'Ford' END,
       CASE WHEN n = 1 THEN 'C5 Aircross' ELSE 'F-150' END,
       'Tow package',
       'ST-' || n,
       '2024-01-01T00:00:00Z'::timestamptz + n * interval '1 second'
FROM generate_series(1, %(rows)s) AS n
"""
_ROW_STATE = (
    "SELECT md5(string_agg(vin || version || coalesce(updated_at::text, '-'), ',' ORDER BY vin))"
    " FROM vehicles"
)


@pytest.fixture
def database(empty_database_url: str, route_url: Callable[[str], str]) -> Iterator[Database]:
    db = Database(Settings(database_url=route_url(empty_database_url)))
    yield db
    db.close()


def _one(db: Database, sql: str) -> object:
    row = db.fetch_one(sql, retry=True)
    assert row is not None
    return row[0]


def test_existing_vehicles_get_their_documents_and_keep_their_etags(database: Database) -> None:
    migrator = Migrator(database)
    migrator.up(target=BEFORE)
    with database.transaction() as conn:
        conn.execute(_FILL, {"rows": ROWS})
    before = _one(database, _ROW_STATE)

    assert migrator.up()["current"] >= "0007"

    assert _one(database, "SELECT count(*) FROM vehicles WHERE search_document IS NULL") == 0
    assert _one(database, _ROW_STATE) == before  # version (the ETag) and updated_at unchanged
    mismatched = (
        "SELECT count(*) FROM vehicles WHERE search_document <> "
        "vehicle_search_vector(make, model, trim, description, stock_number, vin)"
    )
    assert _one(database, mismatched) == 0
    folded = "SELECT vin FROM vehicles WHERE search_document @@ to_tsquery('simple', 'citroen')"
    assert _one(database, folded) == "VIN00000000000001"


def test_the_trigger_keeps_the_document_of_later_writes(database: Database) -> None:
    Migrator(database).up()
    with database.transaction() as conn:
        conn.execute(_FILL, {"rows": 2})
        conn.execute("UPDATE vehicles SET model = 'Bronco' WHERE vin = 'VIN00000000000002'")
        conn.execute("UPDATE vehicles SET price = 1 WHERE vin = 'VIN00000000000001'")
    document = "SELECT search_document::text FROM vehicles WHERE vin = 'VIN00000000000002'"
    assert "'bronco'" in str(_one(database, document))
    assert "'150'" not in str(_one(database, document))
    unchanged = "SELECT search_document::text FROM vehicles WHERE vin = 'VIN00000000000001'"
    assert "'citroen'" in str(_one(database, unchanged))


def test_down_to_before_the_search_removes_its_column_and_functions(database: Database) -> None:
    migrator = Migrator(database)
    migrator.up()
    migrator.down(target=BEFORE)
    column = (
        "SELECT count(*) FROM information_schema.columns "
        "WHERE table_name = 'vehicles' AND column_name = 'search_document'"
    )
    assert _one(database, column) == 0
    functions = "SELECT count(*) FROM pg_proc WHERE proname LIKE 'vehicle%%search%%'"
    assert _one(database, functions) == 0
    migrator.up()  # and back up again: the files are re-runnable
    assert (
        _one(database, "SELECT count(*) FROM pg_indexes WHERE indexname = 'vehicles_search'") == 1
    )


def test_code_deployed_before_the_migration_lists_as_before_and_searches_503(
    database: Database, monkeypatch: pytest.MonkeyPatch, empty_database_url: str
) -> None:
    Migrator(database).up(target=BEFORE)
    with database.transaction() as conn:
        conn.execute(_FILL, {"rows": 3})
    monkeypatch.setenv("DATABASE_URL", empty_database_url)
    get_settings.cache_clear()
    get_database.cache_clear()
    plain = invoke(list_vehicles.handler, http_api_event("GET", "/api/vehicles"))
    assert (plain.status, plain.json()["total"]) == (200, 3)
    for query in ("make=ford", "q=tow"):
        searched = invoke(
            list_vehicles.handler, http_api_event("GET", "/api/vehicles", query=query)
        )
        assert (searched.status, searched.json()) == (503, {"detail": "Database unavailable."})
        assert searched.headers["retry-after"]
