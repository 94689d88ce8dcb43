"""Reading the dealer export: tolerated variations, line numbers, required columns."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from shared.data.vin import problem
from shared.errors import SeedError
from shared.seed import sources
from shared.seed.export import photo_urls, read_records
from tests.fixtures.exports import generate_export, synthetic_vin

DATA = Path(__file__).parent / "data"


def read(path: Path) -> list[tuple[int, dict[str, str]]]:
    with sources.open_source(str(path)) as stream:
        return [(record.line, record.fields) for record in read_records(stream)]


@pytest.mark.parametrize(
    ("name", "vins"),
    [
        ("bom_crlf.csv", ["1HGCV1F33LA000001", "2T3C1RFV9MW000002"]),
        ("messy_header.csv", ["1hgcv1f33la000001", "2T3C1RFV9MW000002"]),
        ("quoted_fields.csv", ["1HGCV1F33LA000001", "2T3C1RFV9MW000002", "1FTEW1EP2NF000003"]),
        ("trailing_empty.csv", ["1HGCV1F33LA000001", "2T3C1RFV9MW000002"]),
        ("classic.csv", ["7R02C179624", "VC57L141907"]),
    ],
    ids=["bom-and-crlf", "header-case-spaces-order-extra", "quoted", "empty-trailing", "classic"],
)
def test_each_tolerated_variation_reads_every_row(name: str, vins: list[str]) -> None:
    rows = read(DATA / name)
    assert [fields["vin"] for _, fields in rows] == vins
    assert all(fields["make"] and fields["description"] for _, fields in rows)


def test_a_bom_and_crlf_leave_no_stray_characters_in_names_or_values() -> None:
    (_, first), *_ = read(DATA / "bom_crlf.csv")
    assert first["vin"] == "1HGCV1F33LA000001"
    assert not first["image_urls"].endswith("\r")


def test_quoted_fields_keep_commas_line_breaks_and_non_ascii_text() -> None:
    (_, long), (_, multi), _ = read(DATA / "quoted_fields.csv")
    assert len(long["description"]) > 1000
    assert "“Garage-kept”" in long["description"]
    assert "café" in long["description"]
    assert multi["description"].startswith("First paragraph, with commas.\n\nSecond paragraph")
    assert len(photo_urls(multi["image_urls"])) == 25


def test_a_row_shorter_than_the_header_reads_missing_columns_as_empty() -> None:
    _, (_, short) = read(DATA / "trailing_empty.csv")
    assert short["description"] == "Low miles."


def test_line_numbers_are_where_each_record_starts_counting_multi_line_and_blank_lines() -> None:
    lines = [line for line, _ in read(DATA / "mixed.csv")]
    assert lines == [2, 3, 4, 5, 8, 9, 10, 11, 12, 13, 15]


def test_a_missing_required_column_is_named_in_the_error() -> None:
    with pytest.raises(SeedError, match="no WebAdDescription column"):
        read(DATA / "missing_column.csv")


def test_an_empty_file_is_missing_every_column() -> None:
    with pytest.raises(SeedError, match="no VIN, Make, Model, WebAdDescription, PhotoURLs columns"):
        read_records(io.StringIO(""))


def test_an_oversized_field_is_a_clear_error_with_its_line() -> None:
    text = "VIN,Make,Model,WebAdDescription,PhotoURLs\n" + f'X,M,M,"{"x" * 200_000}",\n'
    with pytest.raises(SeedError, match="line 2: malformed CSV"):
        list(read_records(io.StringIO(text, newline="")))


@pytest.mark.parametrize(
    ("cell", "urls"),
    [
        ("", []),
        ("  ", []),
        ("https://a.example/1.jpg", ["https://a.example/1.jpg"]),
        (
            "https://a.example/1.jpg,https://a.example/2.jpg",
            ["https://a.example/1.jpg", "https://a.example/2.jpg"],
        ),
    ],
    ids=["empty", "blank", "one", "two"],
)
def test_the_photo_cell_is_a_comma_separated_list(cell: str, urls: list[str]) -> None:
    assert [url.strip() for url in photo_urls(cell)] == urls


def test_generated_exports_have_valid_distinct_vins_and_twenty_photos(tmp_path: Path) -> None:
    rows = read(generate_export(tmp_path / "export.csv", 50, description_chars=1200))
    vins = [fields["vin"] for _, fields in rows]
    assert len(set(vins)) == 50
    assert all(problem(vin) is None for vin in vins)
    assert all(len(photo_urls(fields["image_urls"])) == 20 for _, fields in rows)
    assert all(len(fields["description"]) == 1200 for _, fields in rows)
    assert vins[:2] == [synthetic_vin(0), synthetic_vin(1)]
