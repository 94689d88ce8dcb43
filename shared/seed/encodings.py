"""What a dealer export is encoded in, decided from its first bytes, and the text stream to read.

Exports come from Excel and dealer systems: UTF-8 with or without a byte-order mark, UTF-16 with
one ("Unicode text"), or Windows-1252 ("CSV" on a Western Windows). The first `PREFIX_BYTES`
decide, and the file is then decoded as it streams (an S3 object is never read whole):

- a UTF-8 or UTF-16 byte-order mark: that encoding;
- a known binary signature (zip/xlsx, PNG, PDF, ...), a NUL byte in the first line or NULs in
  bulk: not text, one `SeedError`;
- bytes that are not UTF-8 within the prefix: Windows-1252 for the whole file;
- otherwise UTF-8. A byte that is not UTF-8 after the prefix is read as Windows-1252 (it cannot
  be decoded again: rows before it are already loaded), and the report says `utf-8+windows-1252`.
  A file whose prefix is plain ASCII reads the same in both, so for a Windows-1252 file whose
  first accented letter comes late, every letter is still read right.

Windows-1252 leaves five bytes undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D): they are read as the
control characters of the same number, as browsers do, so no byte aborts a seed.
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from typing import BinaryIO, TextIO

from shared.errors import SeedError

PREFIX_BYTES = 64 * 1024
UTF8, UTF8_BOM, UTF16, CP1252 = "utf-8", "utf-8-sig", "utf-16", "windows-1252"
MIXED = "utf-8+windows-1252"
_TO_CP1252 = "seed-windows-1252"  # error handler: bytes that are not UTF-8, as Windows-1252
_C1 = "seed-c1"  # error handler: Windows-1252's undefined bytes, as C1 controls
_SIGNATURES = (
    (b"PK\x03\x04", "a zip archive (an .xlsx workbook?)"),
    (b"\xd0\xcf\x11\xe0", "an Excel 97-2003 workbook (.xls)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip file"),
)
# Per open stream: how many bytes after the prefix were not UTF-8 (read as Windows-1252).
_late_bytes: ContextVar[list[int] | None] = ContextVar("late_bytes", default=None)


def detect(prefix: bytes, *, whole: bool, name: str) -> str:
    """The encoding of a file starting with `prefix` (`whole`: that is the entire file)."""
    if prefix.startswith(codecs.BOM_UTF8):
        return UTF8_BOM
    if prefix.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return UTF16
    for signature, what in _SIGNATURES:
        if prefix.startswith(signature):
            raise SeedError(f"{name} is {what}, not a CSV export: save it as CSV")
    # A NUL in one field is that row's problem (reported as invalid); in the header line, or
    # in bulk, it means the file is binary.
    first_line = prefix.split(b"\n", 1)[0]
    if b"\x00" in first_line or prefix.count(b"\x00") * 100 > len(prefix):
        raise SeedError(f"{name} is not a text file (it has NUL bytes): a CSV export is expected")
    try:
        codecs.getincrementaldecoder("utf-8")().decode(prefix, final=whole)
    except UnicodeDecodeError:
        return CP1252
    return UTF8


@contextmanager
def text_stream(raw: BinaryIO, name: str) -> Iterator[TextIO]:
    """`raw` (read a chunk at a time) as text in its detected encoding; `newline=""` leaves
    line breaks to the CSV reader. `label(stream)` names the encoding once it is read."""
    _register_handlers()
    prefix = _read_prefix(raw)
    encoding = detect(prefix, whole=len(prefix) < PREFIX_BYTES, name=name)
    codec, errors = {
        UTF8: ("utf-8", _TO_CP1252),
        UTF8_BOM: ("utf-8-sig", _TO_CP1252),
        UTF16: ("utf-16", "replace"),
        CP1252: ("cp1252", _C1),
    }[encoding]
    buffered = io.BufferedReader(_Replay(prefix, raw), PREFIX_BYTES)
    stream = io.TextIOWrapper(buffered, encoding=codec, errors=errors, newline="")
    token = _late_bytes.set([0])
    try:
        with stream:
            yield stream
    finally:
        _late_bytes.reset(token)


def label(stream: TextIO) -> str:
    """The encoding `stream` (from `text_stream`) was read in, as the seed's report names it."""
    late = _late_bytes.get()
    if stream.errors == _TO_CP1252 and late and late[0]:
        return MIXED
    return {"utf-8": UTF8, "utf-8-sig": UTF8_BOM, "utf-16": UTF16}.get(stream.encoding, CP1252)


def _read_prefix(raw: BinaryIO) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while size < PREFIX_BYTES and (chunk := raw.read(PREFIX_BYTES - size)):
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


class _Replay(io.RawIOBase):
    """The prefix already read, then the rest of `raw`."""

    def __init__(self, prefix: bytes, raw: BinaryIO) -> None:
        self._prefix = memoryview(prefix)
        self._raw = raw

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._prefix:
            size = min(len(buffer), len(self._prefix))
            buffer[:size] = self._prefix[:size]
            self._prefix = self._prefix[size:]
            return size
        data = self._raw.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


@cache
def _register_handlers() -> None:
    """Codec error handlers are registered by name, once per process (on first use)."""
    codecs.register_error(_TO_CP1252, _as_windows_1252)
    codecs.register_error(_C1, _as_c1)


def _as_windows_1252(err: UnicodeError) -> tuple[str, int]:
    if not isinstance(err, UnicodeDecodeError):
        raise err
    bad = err.object[err.start : err.end]
    late = _late_bytes.get()
    if late is not None:
        late[0] += len(bad)
    return bad.decode("cp1252", _C1), err.end


def _as_c1(err: UnicodeError) -> tuple[str, int]:
    if not isinstance(err, UnicodeDecodeError):
        raise err
    return "".join(chr(byte) for byte in err.object[err.start : err.end]), err.end
