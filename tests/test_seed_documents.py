"""Search documents computed while a seed streams (migration 0009, `shared.seed.documents`): they
are the documents the trigger would compute, only a seed's transaction may supply one, stored
VINs get none computed, and a database without 0009 seeds as before."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from shared.data.database import Database
from shared.migrations.files import MIGRATIONS_DIR, load
from shared.migrations.runner import Migrator
from shared.ops.settings import Settings
from shared.seed.commands import run
from shared.seed.export import Record, read_records
from shared.seed.loader import Report, seed
from tests.fixtures.exports import generate_export, synthetic_vin

DATA = Path(__file__).parent / "data"
# Rows whose stored document is not the one the trigger computes from their columns.
WRONG_DOCUMENTS = """
SELECT count(*) FILTER (WHERE search_document IS DISTINCT FROM vehicle_search_vector(
    make, model, "trim", description, stock_number, vin)), count(*)
FROM vehicles
"""
STAGED = """
CREATE TEMP TABLE staged (
    vin text, make text, model text, "trim" text, description text, stock_number text,
    search_document tsvector
) ON COMMIT DROP
"""
INSERT_PLAIN = (
    "INSERT INTO vehicles (vin, make, model, description, search_document)"
    " VALUES (%s, 'Kia', 'EV6', '', NULL)"
)
INSERT_SUPPLYING = (
    "INSERT INTO vehicles (vin, make, model, description, search_document) "
    "VALUES (%(vin)s, 'Ford', 'F-150', '', 'bogus'::tsvector) RETURNING search_document::text"
)


def seed_file(db: Database, path: Path, **event: Any) -> dict[str, Any]:
    return run({"csv_path": str(path), "limit": -1, **event}, db)


def wrong_documents(db: Database) -> tuple[int, int]:
    row = db.connection().execute(WRONG_DOCUMENTS).fetchone()
    assert row is not None
    return row[0], row[1]


@pytest.mark.parametrize("mode", ["default", "snapshot"])
def test_seeded_documents_are_the_ones_the_trigger_computes(
    db: Database, tmp_path: Path, mode: str
) -> None:
    export = generate_export(tmp_path / "export.csv", 300, description_chars=200)
    summary = seed_file(db, export, mode=mode)
    assert summary["inserted"] == 300
    assert wrong_documents(db) == (0, 300)


def test_repeats_and_invalid_rows_keep_the_first_valid_rows_document(db: Database) -> None:
    summary = seed_file(db, DATA / "mixed.csv")
    assert summary["duplicates_in_file"]["count"] > 0
    assert summary["invalid"]["count"] > 0
    assert wrong_documents(db) == (0, summary["inserted"])


def test_a_seed_through_a_transaction_pooler_stores_the_same_documents(
    db: Database, database_url: str, route_url: Callable[[str], str], tmp_path: Path
) -> None:
    export = generate_export(tmp_path / "export.csv", 50, description_chars=100)
    routed = Database(Settings(database_url=route_url(database_url)))
    assert seed_file(routed, export)["inserted"] == 50
    routed.close()
    assert wrong_documents(db) == (0, 50)


def test_an_insert_outside_a_seed_cannot_supply_its_document(db: Database) -> None:
    with db.transaction() as conn:
        row = conn.execute(INSERT_SUPPLYING, {"vin": synthetic_vin(1)}).fetchone()
    assert row is not None
    assert "f150" in row[0]
    assert wrong_documents(db) == (0, 1)


def test_a_transaction_that_says_so_keeps_the_document_it_supplies(db: Database) -> None:
    with db.transaction() as conn:
        conn.execute("SET LOCAL vehicle_search.supplied = 'on'")
        row = conn.execute(INSERT_SUPPLYING, {"vin": synthetic_vin(5)}).fetchone()
    assert row == ("'bogus'",)


def test_the_seeds_setting_ends_with_its_transaction(db: Database, tmp_path: Path) -> None:
    seed_file(db, generate_export(tmp_path / "export.csv", 5, description_chars=50))
    with db.transaction() as conn:  # the connection the seed used
        conn.execute(INSERT_SUPPLYING, {"vin": synthetic_vin(99)})
    assert wrong_documents(db) == (0, 6)


def test_a_document_left_out_of_the_staging_row_is_computed_on_insert(db: Database) -> None:
    with db.transaction() as conn:
        conn.execute("SET LOCAL vehicle_search.supplied = 'on'")
        conn.execute(
            INSERT_PLAIN,
            (synthetic_vin(2),),
        )
    assert wrong_documents(db) == (0, 1)


def test_the_staging_trigger_computes_documents_only_for_vins_not_stored(db: Database) -> None:
    stored, new = synthetic_vin(3), synthetic_vin(4)
    with db.transaction() as conn:
        conn.execute(INSERT_PLAIN, (stored,))
    with db.transaction() as conn:
        conn.execute(STAGED)
        conn.execute(
            "CREATE TRIGGER staged_document BEFORE INSERT ON staged"
            " FOR EACH ROW EXECUTE FUNCTION vehicle_seed_document()"
        )
        conn.execute("INSERT INTO staged (vin) VALUES (%s), (%s)", (stored, new))
        rows = dict(conn.execute("SELECT vin, search_document IS NOT NULL FROM staged").fetchall())
    assert rows == {stored: False, new: True}


def test_a_stored_vin_deleted_while_the_file_streams_is_inserted_with_its_document(
    db: Database, database_url: str, tmp_path: Path
) -> None:
    export = generate_export(tmp_path / "export.csv", 10, description_chars=50)
    seed_file(db, export, limit=1)  # the first row's VIN is stored: staged without a document

    def deleting_after_the_first(records: Iterable[Record]) -> Iterator[Record]:
        for n, record in enumerate(records):
            yield record
            if n == 0:  # staged by now or with the next batch: either way, before the INSERT
                with psycopg.connect(database_url, autocommit=True) as other:
                    other.execute("DELETE FROM vehicles WHERE vin = %s", (synthetic_vin(0),))

    report = Report(source="test", dry_run=False, limit=-1)
    with export.open(encoding="utf-8", newline="") as stream:
        seed(records=deleting_after_the_first(read_records(stream)), report=report, db=db)
    assert report.inserted == 10
    assert wrong_documents(db) == (0, 10)


@pytest.fixture
def before_0009(empty_database_url: str) -> Iterator[Database]:
    """A database migrated to the release before 0009: no staging trigger function yet."""
    db = Database(Settings(database_url=empty_database_url))
    earlier = [m.version for m in load(MIGRATIONS_DIR) if m.version < "0009"]
    Migrator(db).up(earlier[-1])
    yield db
    db.close()


@pytest.mark.parametrize("mode", ["default", "snapshot"])
def test_code_deployed_before_the_migration_seeds_as_before(
    before_0009: Database, tmp_path: Path, mode: str
) -> None:
    export = generate_export(tmp_path / "export.csv", 20, description_chars=50)
    assert seed_file(before_0009, export, mode=mode)["inserted"] == 20
    assert wrong_documents(before_0009) == (0, 20)
