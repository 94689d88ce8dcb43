"""Dealer exports in the encodings Excel writes, files that are not text, and misplaced cells:
one bad byte never aborts a seed, and the report says how the file was read."""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest

from shared.data.database import Database
from shared.errors import SeedError
from shared.seed import encodings, sources
from shared.seed.commands import run
from tests.fixtures.exports import HEADER_LINE, synthetic_vin

MAKES = ["Citroën", "Škoda", "Peugeot 208 “GT”", "Mercedes-Benz", "Renault"]


def export_text(rows: int, *, first_make: str = "Ford") -> str:
    """An export of `rows` vehicles whose makes carry accents and curly quotes (CRLF lines)."""
    lines = [HEADER_LINE]
    for n in range(rows):
        make = first_make if n == 0 else MAKES[n % len(MAKES)]
        cells = ["Motors", str(n), synthetic_vin(n), "2020", make, "Model", *[""] * 8]
        cells += [f"https://img.example.com/{n}.jpg", "Clean, one owner.", *[""] * 6]
        lines.append(",".join(f'"{cell}"' if "," in cell else cell for cell in cells))
    return "\r\n".join(lines) + "\r\n"


def seed_bytes(db: Database | None, tmp_path: Path, data: bytes, **event: Any) -> dict[str, Any]:
    path = tmp_path / "export.csv"
    path.write_bytes(data)
    return run({"csv_path": str(path), "limit": -1, **event}, db)


def makes(db: Database) -> set[str]:
    return {row[0] for row in db.connection().execute("SELECT make FROM vehicles")}


@pytest.mark.parametrize(
    ("encode", "label"),
    [
        (lambda text: text.encode("utf-8"), "utf-8"),
        (lambda text: codecs.BOM_UTF8 + text.encode("utf-8"), "utf-8-sig"),
        (lambda text: text.encode("utf-16"), "utf-16"),  # with its BOM, as Excel writes it
        (lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"), "utf-16"),
        (lambda text: text.encode("cp1252"), "windows-1252"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom", "windows-1252"],
)
def test_each_encoding_excel_writes_loads_every_row_with_its_accents(
    db: Database, tmp_path: Path, encode: Any, label: str
) -> None:
    summary = seed_bytes(db, tmp_path, encode(export_text(20)))
    assert (summary["encoding"], summary["inserted"], summary["invalid"]["count"]) == (label, 20, 0)
    assert makes(db) == {"Ford", *MAKES}


def test_a_latin1_row_among_a_thousand_loads_as_windows_1252(db: Database, tmp_path: Path) -> None:
    lines = export_text(1001).encode("ascii", "replace").splitlines(keepends=True)
    lines[500] = lines[500].replace(b",Model,", b",Mod\xe8le,")  # one latin-1 byte: è
    summary = seed_bytes(db, tmp_path, b"".join(lines))
    assert (summary["encoding"], summary["inserted"], summary["invalid"]["count"]) == (
        "windows-1252",
        1001,
        0,
    )
    assert db.connection().execute(
        "SELECT count(*) FROM vehicles WHERE model = 'Modèle'"
    ).fetchone() == (1,)


def test_a_non_utf8_byte_after_the_prefix_is_read_as_windows_1252_and_said(
    db: Database, tmp_path: Path
) -> None:
    text = export_text(1500, first_make="Citroën")  # UTF-8 accents from the first row on
    data = text.encode("utf-8")
    assert len(data) > 2 * encodings.PREFIX_BYTES
    data += f"Motors,x,{synthetic_vin(99_999)},2020,Peugeot,Mod\xe8le,".encode("cp1252")
    data += b",,,,,,,,https://img.example.com/x.jpg,Fine.,,,,,,\r\n"
    summary = seed_bytes(db, tmp_path, data)
    assert (summary["encoding"], summary["inserted"]) == ("utf-8+windows-1252", 1501)
    model = (
        db.connection()
        .execute("SELECT model FROM vehicles WHERE vin = %s", [synthetic_vin(99_999)])
        .fetchone()
    )
    assert model == ("Modèle",)


def test_an_ascii_prefix_then_windows_1252_reads_every_letter_right(
    db: Database, tmp_path: Path
) -> None:
    data = export_text(1500).encode("ascii", "replace")
    assert len(data) > encodings.PREFIX_BYTES
    data = data[:-2] + b",\r\n"  # the last row ends with an empty cell: still valid
    data += f"Motors,y,{synthetic_vin(99_998)},2020,Citro\xebn,C5,".encode("cp1252")
    data += b",,,,,,,,https://img.example.com/y.jpg,\x93Fine\x94 \x81.,,,,,,\r\n"
    summary = seed_bytes(db, tmp_path, data)
    assert summary["inserted"] == 1501
    row = (
        db.connection()
        .execute("SELECT make, description FROM vehicles WHERE vin = %s", [synthetic_vin(99_998)])
        .fetchone()
    )
    assert row == ("Citroën", "“Fine” \x81.")  # 0x81 is undefined in Windows-1252: kept as U+0081


def png() -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"


def xlsx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (png(), "is a PNG image, not a CSV export"),
        (xlsx(), "is a zip archive (an .xlsx workbook?), not a CSV export"),
        (b"\x7fELF\x02\x01\x01\x00" + bytes(200), "is not a text file (it has NUL bytes)"),
    ],
    ids=["png", "xlsx", "binary"],
)
def test_a_file_that_is_not_text_is_one_clear_error(
    tmp_path: Path, data: bytes, message: str
) -> None:
    with pytest.raises(SeedError, match=re.escape(f"export.csv {message}")):
        seed_bytes(None, tmp_path, data, dry_run=True)


def test_an_s3_object_in_windows_1252_is_streamed_and_named(s3_bucket: str) -> None:
    sources.s3_client().put_object(
        Bucket=s3_bucket, Key="cp1252.csv", Body=export_text(5).encode("cp1252")
    )
    summary = run({"csv_path": f"s3://{s3_bucket}/cp1252.csv", "dry_run": True}, None)
    assert (summary["encoding"], summary["valid"]) == ("windows-1252", 5)


def test_a_row_with_more_cells_than_the_header_is_reported_invalid(
    db: Database, tmp_path: Path
) -> None:
    lines = export_text(3).splitlines(keepends=True)
    lines[2] = lines[2].replace("\r\n", ",,stray\r\n")  # line 3: an unquoted comma before
    summary = seed_bytes(db, tmp_path, "".join(lines).encode())
    assert summary["inserted"] == 2
    [invalid] = summary["invalid"]["rows"]
    reason = "the row has 24 cells, the header 22 (an unquoted comma?)"
    assert invalid == {
        "line": 3,
        "vin": synthetic_vin(1),
        "reason": reason,
        "problems": [{"field": "", "column": "", "reason": reason}],
    }
