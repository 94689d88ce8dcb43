"""Where a seed reads its CSV from: the bundled sample, a local path, or `s3://bucket/key`.

Every source is opened as a text stream read a chunk at a time: an S3 object is never downloaded
whole. Its encoding is decided from its first bytes (`shared.seed.encodings`); `encoding(stream)`
names it for the report.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any, BinaryIO, TextIO
from urllib.parse import urlsplit

from shared.errors import SeedError
from shared.ops import telemetry
from shared.seed import encodings

PACKAGE_ROOT = Path(__file__).resolve().parents[2]  # functions/, shared/, migrations/
SAMPLE = Path(__file__).parent / "sample_inventory.csv"
SAMPLE_NAME = "bundled sample"


def describe(location: str | None) -> str:
    """How a summary names the source."""
    return location or SAMPLE_NAME


@contextmanager
def open_source(location: str | None, *, packaged_only: bool = False) -> Iterator[TextIO]:
    """Open `location` (None: the bundled sample) for reading; failures raise `SeedError`.

    `packaged_only` (in Lambda): a local path must be a file packaged with the function, so an
    event cannot make the seed read, and echo in its errors, any other file of the container.
    """
    if location and location.startswith("s3://"):
        with _open_s3(location) as stream:
            yield stream
        return
    path = Path(location) if location else SAMPLE
    if packaged_only and not (PACKAGE_ROOT / path).resolve().is_relative_to(PACKAGE_ROOT):
        raise SeedError(
            "in Lambda, csv_path is s3://bucket/key or a file packaged with the function"
        )
    path = PACKAGE_ROOT / path if packaged_only else path
    try:
        raw = path.open("rb")
    except OSError as err:
        raise SeedError(f"cannot open {path}: {err.strerror}") from err
    with raw, encodings.text_stream(raw, str(location or SAMPLE_NAME)) as stream:
        yield stream


def encoding(stream: TextIO) -> str:
    """The encoding a stream of `open_source` was read in: `utf-8`, `windows-1252`, ..."""
    return encodings.label(stream)


@contextmanager
def _open_s3(location: str) -> Iterator[TextIO]:
    parts = urlsplit(location)
    bucket, key = parts.netloc, parts.path.lstrip("/")
    if not bucket or not key:
        raise SeedError(f"an S3 location looks like s3://bucket/key, got {location!r}")
    from botocore.exceptions import BotoCoreError, ClientError  # noqa: PLC0415 - cold start

    try:
        with telemetry.span("s3 get_object"):
            body = s3_client().get_object(Bucket=bucket, Key=key)["Body"]
    except (BotoCoreError, ClientError) as err:
        raise SeedError(f"cannot read {location}: {err}") from err
    raw: BinaryIO = body  # StreamingBody: read(amt) reads the next bytes of the object
    with encodings.text_stream(raw, location) as stream:
        yield stream


@cache
def s3_client() -> Any:
    """The S3 client of this container, created on first use (never at import: moto, cold start)."""
    import boto3  # noqa: PLC0415 - provided by the Lambda runtime; imported only when needed

    return boto3.client("s3")
