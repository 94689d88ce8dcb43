"""The import itself, against real PostgreSQL: what is written, skipped and reported."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from shared.data.database import Database
from shared.errors import SeedError
from shared.ops.settings import Settings, get_settings
from shared.seed.commands import run
from shared.seed.export import read_records
from shared.seed.loader import Report, seed
from tests.fixtures.exports import generate_export, synthetic_vin, write_export

DATA = Path(__file__).parent / "data"


def seed_file(db: Database | None, path: Path, **event: Any) -> dict[str, Any]:
    return run({"csv_path": str(path), "limit": -1, **event}, db)


def stored(db: Database) -> dict[str, tuple[Any, ...]]:
    rows = db.connection().execute(
        "SELECT vin, make, model, description, image_urls, created_at FROM vehicles"
    )
    return {row[0]: row[1:] for row in rows}


def counted(db: Database) -> int:
    row = db.connection().execute("SELECT total FROM vehicle_count").fetchone()
    assert row is not None
    return int(row[0])


@pytest.mark.parametrize(
    ("name", "vins"),
    [
        ("bom_crlf.csv", {"1HGCV1F33LA000001", "2T3C1RFV9MW000002"}),
        ("messy_header.csv", {"1HGCV1F33LA000001", "2T3C1RFV9MW000002"}),
        ("quoted_fields.csv", {"1HGCV1F33LA000001", "2T3C1RFV9MW000002", "1FTEW1EP2NF000003"}),
        ("trailing_empty.csv", {"1HGCV1F33LA000001", "2T3C1RFV9MW000002"}),
        ("classic.csv", {"7R02C179624", "VC57L141907"}),
    ],
    ids=["bom-and-crlf", "header-case-spaces-order-extra", "quoted", "empty-trailing", "classic"],
)
def test_every_tolerated_variation_loads_completely(
    db: Database, name: str, vins: set[str]
) -> None:
    summary = seed_file(db, DATA / name)
    assert summary["inserted"] == len(vins)
    assert summary["invalid"]["count"] == 0
    assert set(stored(db)) == vins
    assert counted(db) == len(vins)


def test_stored_rows_keep_text_exactly_and_photos_as_a_list(db: Database) -> None:
    seed_file(db, DATA / "quoted_fields.csv")
    rows = stored(db)
    make, model, description, photos, _ = rows["2T3C1RFV9MW000002"]
    assert (make, model) == ("Toyota", "RAV4")
    assert description.startswith("First paragraph, with commas.\n\nSecond paragraph: “quoted”")
    assert len(photos) == 25
    assert photos[0] == "https://img.example.com/2T3C1RFV9MW000002/1.jpg"
    assert "café" in rows["1HGCV1F33LA000001"][2]


def test_all_rows_of_one_run_share_one_created_at(db: Database) -> None:
    seed_file(db, DATA / "quoted_fields.csv")
    assert len({row[-1] for row in stored(db).values()}) == 1


def test_a_mixed_file_reports_invalid_rows_and_repeats_by_line_and_loads_the_rest(
    db: Database,
) -> None:
    summary = seed_file(db, DATA / "mixed.csv")
    assert summary["rows_read"] == 11
    assert summary["inserted"] == 5
    assert summary["skipped_existing"] == 0
    assert summary["duplicates_in_file"] == {
        "count": 2,
        "rows": [{"line": 4, "vin": "1HGCV1F33LA000001"}, {"line": 13, "vin": "2T3C1RFV9MW000002"}],
    }
    invalid = summary["invalid"]
    assert invalid["count"] == 4
    assert [(row["line"], row["vin"]) for row in invalid["rows"]] == [
        (3, "1HGCV1F30LA000001"),
        (8, "1FTEW1EP2NF000003"),
        (10, "5YJ3E1EB3PF000004"),
        (11, "ABC"),
    ]
    reasons = [row["reason"] for row in invalid["rows"]]
    assert reasons[0] == "VIN: check digit (position 9) should be 3, got 0"
    assert reasons[1].startswith("Make: ")
    assert reasons[2].startswith("PhotoURLs: not an absolute http(s) URL: 'ftp://")
    assert reasons[3].startswith("VIN: a VIN has 17 characters")
    assert "; WebAdDescription: " in reasons[3]
    assert "\n" not in "".join(reasons)
    assert stored(db)["1FTEW1EP2NF000003"][2] == "Valid after an invalid row of the same VIN."


def test_the_check_digit_rule_follows_the_vin_check_digit_setting(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VIN_CHECK_DIGIT", "off")
    get_settings.cache_clear()  # settings are read once per process, as in a container
    summary = seed_file(db, DATA / "mixed.csv")
    assert summary["inserted"] == 6
    assert 3 not in [row["line"] for row in summary["invalid"]["rows"]]


def test_seeding_twice_inserts_nothing_the_second_time(db: Database) -> None:
    first = seed_file(db, DATA / "mixed.csv")
    before = stored(db)
    second = seed_file(db, DATA / "mixed.csv")
    assert (first["inserted"], first["skipped_existing"]) == (5, 0)
    assert (second["inserted"], second["skipped_existing"]) == (0, 5)
    assert stored(db) == before
    assert counted(db) == 5


def test_an_existing_vehicle_is_never_overwritten(db: Database) -> None:
    with db.transaction() as conn:
        conn.execute(
            "INSERT INTO vehicles (vin, make, model, description) "
            "VALUES ('1HGCV1F33LA000001', 'Honda', 'Accord', 'Entered by hand.')"
        )
    summary = seed_file(db, DATA / "bom_crlf.csv")
    assert (summary["inserted"], summary["skipped_existing"]) == (1, 1)
    assert stored(db)["1HGCV1F33LA000001"][2] == "Entered by hand."


@pytest.mark.parametrize(
    ("limit", "read", "inserted"),
    [(0, 0, 0), (1, 1, 1), (3, 3, 1), (4, 4, 2), (11, 11, 5), (50, 11, 5), (-1, 11, 5)],
    ids=["zero", "one", "invalid-and-repeat-count", "multi-line-row", "exact", "beyond", "all"],
)
def test_the_limit_counts_data_rows_read_from_the_top(
    db: Database, limit: int, read: int, inserted: int
) -> None:
    summary = seed_file(db, DATA / "mixed.csv", limit=limit)
    assert (summary["rows_read"], summary["inserted"]) == (read, inserted)
    assert len(stored(db)) == inserted


def test_a_dry_run_validates_and_reports_without_a_database(db: Database) -> None:
    summary = seed_file(None, DATA / "mixed.csv", dry_run=True)
    assert summary["dry_run"] is True
    assert (summary["rows_read"], summary["valid"], summary["inserted"]) == (11, 5, 0)
    assert summary["skipped_existing"] is None
    assert summary["invalid"]["count"] == 4
    assert stored(db) == {}


def test_a_missing_column_fails_before_the_database_is_touched(database_url: str) -> None:
    untouched = Database(Settings(database_url=database_url))
    with pytest.raises(SeedError, match="WebAdDescription"):
        seed_file(untouched, DATA / "missing_column.csv")
    assert untouched.connects == 0


@pytest.fixture
def failing_vin(db: Database) -> Iterator[str]:
    """A trigger that makes inserting one VIN fail, as a database error in mid-run would."""
    vin = "JM3KFBDM2R0000005"
    with db.transaction() as conn:
        conn.execute(
            "CREATE FUNCTION forced_failure() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF NEW.vin = '{vin}' THEN RAISE EXCEPTION 'forced failure'; END IF; "
            "RETURN NEW; END $$"
        )
        conn.execute(
            "CREATE TRIGGER forced_failure BEFORE INSERT ON vehicles "
            "FOR EACH ROW EXECUTE FUNCTION forced_failure()"
        )
    yield vin
    with db.transaction() as conn:
        conn.execute("DROP TRIGGER forced_failure ON vehicles")
        conn.execute("DROP FUNCTION forced_failure()")


def test_a_database_error_mid_run_leaves_the_table_as_it_was(
    db: Database, failing_vin: str
) -> None:
    seed_file(db, DATA / "bom_crlf.csv")
    before = stored(db)
    with pytest.raises(psycopg.Error, match="forced failure"):
        seed_file(db, DATA / "mixed.csv")
    assert stored(db) == before
    assert counted(db) == len(before)


def breaks_after(text: str, lines: int) -> Iterator[str]:
    """A source that fails after some lines, as a dropped S3 connection would."""
    yield from io.StringIO(text, newline="").readlines()[:lines]
    raise OSError("connection reset")


def test_a_source_failing_mid_run_leaves_the_table_as_it_was(db: Database) -> None:
    text = (DATA / "mixed.csv").read_text(encoding="utf-8")
    report = Report(source="test", dry_run=False, limit=-1)
    with pytest.raises(OSError, match="connection reset"):
        seed(records=read_records(breaks_after(text, lines=12)), report=report, db=db)
    assert report.valid >= 3
    assert stored(db) == {}


def test_a_twenty_thousand_row_file_loads_past_the_old_bind_parameter_limit(
    db: Database, tmp_path: Path
) -> None:
    export = generate_export(tmp_path / "big.csv", 20_000, description_chars=300)
    summary = seed_file(db, export)
    assert summary["inserted"] == 20_000
    assert summary["invalid"]["count"] == 0
    assert counted(db) == 20_000
    row = db.connection().execute("SELECT count(*) FROM vehicles").fetchone()
    assert row == (20_000,)


def test_a_seed_loads_the_same_directly_and_through_a_transaction_pooler(
    db: Database, database_url: str, route_url: Callable[[str], str]
) -> None:
    routed = Database(Settings(database_url=route_url(database_url)))
    summary = seed_file(routed, DATA / "mixed.csv")
    routed.close()
    assert (summary["inserted"], summary["skipped_existing"]) == (5, 0)
    assert len(stored(db)) == 5


def test_invalid_rows_are_listed_up_to_a_cap_and_counted_exactly(db: Database) -> None:
    header = "VIN,Make,Model,WebAdDescription,PhotoURLs\n"
    text = header + "".join(f"BAD-{n},Make,Model,Text,\n" for n in range(120))
    report = Report(source="test", dry_run=True, limit=-1)
    seed(records=read_records(io.StringIO(text, newline="")), report=report, db=None)
    assert report.as_dict()["invalid"]["count"] == 120
    assert len(report.as_dict()["invalid"]["rows"]) == 50


def export_of(path: Path, rows: list[dict[str, str]]) -> Path:
    """A CSV export of `rows` keyed by column name, with a distinct valid VIN for each."""
    with path.open("w", encoding="utf-8", newline="") as out:
        write_export(out, [{"VIN": synthetic_vin(n), **row} for n, row in enumerate(rows)])
    return path


URL = "https://img.example.com/"


@pytest.mark.parametrize(
    ("texts", "urls"),
    [
        (("Rolls\\Royce", "Model\tX", "C:\\new\\table\t\\N \\. \\\\ end\\"), [URL + "a\\b.jpg"]),
        (("Ford", "F-150", "one\ntwo\r\nthree\rfour\n\\.\nfive"), []),
        (('"Quoted", Make', "\u2018Curly\u2019", 'He said "hi, there", then “bye” — ok'), [URL]),
        (("NULL", "\\N", "null"), [URL + "NULL", URL + "null"]),
        (("BMW", "X5", "{}"), [URL + '{a}/"q".jpg', URL + "{}", URL + 'x\\"y{"}']),
    ],
    ids=["tabs-backslashes", "line-breaks", "quotes-commas", "null-lookalikes", "urls-braces"],
)
def test_tricky_text_is_stored_exactly_as_the_export_has_it(
    db: Database, tmp_path: Path, texts: tuple[str, str, str], urls: list[str]
) -> None:
    make, model, description = texts
    row = {"Make": make, "Model": model, "WebAdDescription": description}
    summary = seed_file(
        db, export_of(tmp_path / "tricky.csv", [{**row, "PhotoURLs": ",".join(urls)}])
    )
    assert summary["invalid"]["count"] == 0, summary["invalid"]
    assert stored(db)[synthetic_vin(0)][:4] == (make, model, description, urls)


@pytest.mark.parametrize("column", ["Make", "Model", "WebAdDescription", "PhotoURLs"])
def test_a_nul_character_makes_its_row_invalid_and_the_rest_load(
    db: Database, tmp_path: Path, column: str
) -> None:
    good = {"Make": "Ford", "Model": "F-150", "WebAdDescription": "Fine.", "PhotoURLs": URL + "1"}
    bad = {**good, column: good[column][:2] + "\x00" + good[column][2:]}
    summary = seed_file(db, export_of(tmp_path / "nul.csv", [good, bad, good]))
    assert summary["inserted"] == 2
    [invalid] = summary["invalid"]["rows"]
    assert (invalid["line"], invalid["vin"]) == (3, synthetic_vin(1))
    assert invalid["reason"].startswith(f"{column}: ")
    assert set(stored(db)) == {synthetic_vin(0), synthetic_vin(2)}
