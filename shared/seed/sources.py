"""Where a seed reads its CSV from: the bundled sample, a local path, or `s3://bucket/key`.

Every source is opened as a text stream read a chunk at a time: an S3 object is never downloaded
whole, and a UTF-8 byte-order mark is dropped. `newline=""` leaves line breaks to the CSV reader.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

from shared.errors import SeedError
from shared.ops import telemetry

PACKAGE_ROOT = Path(__file__).resolve().parents[2]  # functions/, shared/, migrations/
SAMPLE = Path(__file__).parent / "sample_inventory.csv"
SAMPLE_NAME = "bundled sample"
ENCODING = "utf-8-sig"


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
        stream = path.open(encoding=ENCODING, newline="")
    except OSError as err:
        raise SeedError(f"cannot open {path}: {err.strerror}") from err
    with stream:
        yield stream


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
    # StreamingBody is a raw, readable IOBase: buffer it so TextIOWrapper decodes chunk by chunk.
    stream = io.TextIOWrapper(io.BufferedReader(body), encoding=ENCODING, newline="")
    with stream:
        yield stream


@cache
def s3_client() -> Any:
    """The S3 client of this container, created on first use (never at import: moto, cold start)."""
    import boto3  # noqa: PLC0415 - provided by the Lambda runtime; imported only when needed

    return boto3.client("s3")
