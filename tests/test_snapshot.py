"""Snapshot sync: a feed is the whole inventory of its dealers; one transaction, counted."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import psycopg
import pytest

from shared.data.database import Database
from shared.errors import SeedError
from shared.seed.commands import run
from tests.fixtures.api import insert_vehicle
from tests.fixtures.exports import synthetic_vin, write_export

A, B = "Alpha Motors", "Beta Cars"


def row(n: int, dealer: str = A, **columns: str) -> dict[str, str]:
    vin = synthetic_vin(n)
    return {
        "DealerName": dealer,
        "VIN": vin,
        "Year": "2020",
        "Make": "Ford",
        "Model": "F-150",
        "Price": "$30,000",
        "Mileage": "10,000 mi",
        "PhotoURLs": f"https://img.example.com/{vin}/1.jpg",
        "WebAdDescription": f"Truck {n}.",
        **columns,
    }


def sync(db: Database, tmp_path: Path, rows: list[dict[str, str]]) -> dict[str, Any]:
    path = tmp_path / "feed.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        write_export(out, rows)
    return run({"csv_path": str(path), "mode": "snapshot"}, db)


def counts(summary: dict[str, Any]) -> tuple[int, int, int, int, int]:
    keys = ("inserted", "updated", "unchanged", "retired")
    return (*(summary[k] for k in keys), summary["invalid"]["count"])


def state(db: Database) -> dict[str, tuple[Any, ...]]:
    rows = db.connection().execute(
        "SELECT vin, price, mileage, status, description, image_urls, version, updated_at "
        "FROM vehicles"
    )
    return {r[0]: r[1:] for r in rows}


def test_a_first_snapshot_inserts_every_vehicle(db: Database, tmp_path: Path) -> None:
    summary = sync(db, tmp_path, [row(1), row(2), row(3, B)])
    assert summary["mode"] == "snapshot"
    assert counts(summary) == (3, 0, 0, 0, 0)
    assert len(state(db)) == 3


def test_changed_vehicles_are_updated_unchanged_untouched_and_missing_ones_sold(
    db: Database, tmp_path: Path
) -> None:
    sync(db, tmp_path, [row(1), row(2), row(3), row(4)])
    before = state(db)
    summary = sync(
        db,
        tmp_path,
        [
            row(1),  # unchanged
            row(2, Price="$28,500", Mileage="11,200 mi"),  # price drop, mileage corrected
            row(3, WebAdDescription="New tyres.", PhotoURLs="https://img.example.com/x.jpg"),
            row(5),  # new; row 4 is gone
        ],
    )
    assert counts(summary) == (1, 2, 1, 1, 0)
    after = state(db)
    assert after[synthetic_vin(1)] == before[synthetic_vin(1)]  # updated_at and version too
    assert after[synthetic_vin(2)][:2] == (28500, 11200)
    assert after[synthetic_vin(2)][5] == before[synthetic_vin(2)][5] + 1
    assert after[synthetic_vin(2)][6] > before[synthetic_vin(2)][6]
    assert after[synthetic_vin(3)][3:5] == ("New tyres.", ["https://img.example.com/x.jpg"])
    assert after[synthetic_vin(4)][2] == "sold"
    assert after[synthetic_vin(5)][2] == "available"


def test_a_rerun_of_the_same_feed_changes_nothing(db: Database, tmp_path: Path) -> None:
    feed = [row(1), row(2, B), row(3, B)]
    sync(db, tmp_path, feed)
    sync(db, tmp_path, [row(1), row(2, B)])  # retires row 3
    before = state(db)
    assert counts(sync(db, tmp_path, [row(1), row(2, B)])) == (0, 0, 2, 0, 0)
    assert state(db) == before


def test_only_the_dealers_in_the_file_are_synced(db: Database, tmp_path: Path) -> None:
    sync(db, tmp_path, [row(1), row(2, B), row(3, B)])
    insert_vehicle(db, vin="1HGCM82633A004352")  # no dealer: never retired by a feed
    summary = sync(db, tmp_path, [row(3, B)])  # Beta's feed: row 2 sold, Alpha untouched
    assert counts(summary) == (0, 0, 1, 1, 0)
    after = state(db)
    assert after[synthetic_vin(1)][2] == "available"
    assert after[synthetic_vin(2)][2] == "sold"
    assert after["1HGCM82633A004352"][2] == "available"


def test_two_dealers_in_one_file_are_each_synced(db: Database, tmp_path: Path) -> None:
    sync(db, tmp_path, [row(1), row(2), row(3, B), row(4, B)])
    summary = sync(db, tmp_path, [row(1, Price="1"), row(3, B), row(5, B)])
    assert counts(summary) == (1, 1, 1, 2, 0)
    after = state(db)
    assert (after[synthetic_vin(2)][2], after[synthetic_vin(4)][2]) == ("sold", "sold")


def test_an_invalid_row_is_reported_and_its_vehicle_never_retired(
    db: Database, tmp_path: Path
) -> None:
    sync(db, tmp_path, [row(1), row(2)])
    before = state(db)
    summary = sync(db, tmp_path, [row(1), row(2, Price="call us")])
    assert counts(summary) == (0, 0, 1, 0, 1)
    assert summary["invalid"]["rows"][0]["problems"][0]["field"] == "price"
    assert state(db) == before


def test_a_sold_vehicle_listed_again_is_available_and_pending_is_kept(
    db: Database, tmp_path: Path
) -> None:
    sync(db, tmp_path, [row(1), row(2)])
    with db.transaction() as conn:
        conn.execute("UPDATE vehicles SET status = 'pending' WHERE vin = %s", [synthetic_vin(2)])
    sync(db, tmp_path, [row(2)])  # row 1 sold
    summary = sync(db, tmp_path, [row(1), row(2)])
    assert counts(summary) == (0, 1, 1, 0, 0)
    after = state(db)
    assert (after[synthetic_vin(1)][2], after[synthetic_vin(2)][2]) == ("available", "pending")


def test_a_column_the_file_lacks_keeps_its_stored_values(db: Database, tmp_path: Path) -> None:
    sync(db, tmp_path, [row(1, Trim="XLT")])
    path = tmp_path / "no-trim.csv"
    feed = row(1)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, list(feed))
        writer.writeheader()
        writer.writerow(feed)
    summary = run({"csv_path": str(path), "mode": "snapshot"}, db)
    assert counts(summary) == (0, 0, 1, 0, 0)
    trim = db.connection().execute("SELECT trim FROM vehicles").fetchone()
    assert trim == ("XLT",)


def test_repeats_in_a_snapshot_keep_the_first_valid_row(db: Database, tmp_path: Path) -> None:
    summary = sync(db, tmp_path, [row(1, Price="x"), row(1, Price="100"), row(1, Price="200")])
    assert counts(summary) == (1, 0, 0, 0, 1)
    assert summary["duplicates_in_file"]["count"] == 1
    assert state(db)[synthetic_vin(1)][0] == 100


def test_a_snapshot_error_leaves_everything_as_it_was(db: Database, tmp_path: Path) -> None:
    sync(db, tmp_path, [row(1), row(2)])
    before = state(db)
    with db.transaction() as conn:  # the insert, after the update, fails on row 3
        conn.execute(
            "CREATE FUNCTION forced_failure() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION 'forced failure'; END $$"
        )
        conn.execute(
            "CREATE TRIGGER forced_failure BEFORE INSERT ON vehicles "
            "FOR EACH ROW EXECUTE FUNCTION forced_failure()"
        )
    try:
        with pytest.raises(psycopg.Error, match="forced failure"):
            sync(db, tmp_path, [row(1, Price="1"), row(3)])
    finally:
        with db.transaction() as conn:
            conn.execute("DROP TRIGGER forced_failure ON vehicles")
            conn.execute("DROP FUNCTION forced_failure()")
    assert state(db) == before


@pytest.mark.parametrize("event", [{"limit": 5}, {"limit": 0}], ids=["five", "zero"])
def test_a_snapshot_reads_the_whole_file(db: Database, event: dict[str, Any]) -> None:
    with pytest.raises(SeedError, match="whole file"):
        run({"mode": "snapshot", **event}, db)


def test_an_unknown_mode_is_refused(db: Database) -> None:
    with pytest.raises(SeedError, match="mode must be one of default, snapshot"):
        run({"mode": "merge"}, db)
