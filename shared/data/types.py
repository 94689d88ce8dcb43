"""The value types of the vehicle's fields: their rules, and the same rules in the OpenAPI schema.

Rules live in the types (constraints and `AfterValidator`s), not in model methods, so the
merge-patch model of `PATCH` (every field optional) applies exactly the rules of `POST` and the
seed by reusing them.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints, WithJsonSchema

from shared.data.text import WHITE, blank_or_trimmed, trimmed

MAX_IMAGE_URLS = 50
MAX_URL_LENGTH = 2048
MAX_EQUIPMENT = 200
FIRST_YEAR = 1886  # the Benz Patent-Motorwagen
# Model years run ahead of the calendar: up to next year's next year. Read when a container
# starts (no I/O); a container does not live into a second new year.
LAST_YEAR = date.today().year + 2
MAX_PRICE = Decimal("9999999999.99")  # numeric(12,2)
MAX_MILEAGE = 2_147_483_647  # integer
STATUSES = ("available", "pending", "sold")
# Scheme, a non-empty host, no white space. A regex, not urlsplit: the seed checks 20 URLs a
# row and urlsplit made up most of the validation time of a 100,000-row import.
_HTTP_URL = re.compile(
    r"[Hh][Tt][Tt][Pp][Ss]?://[^/?#\s\x00\ud800-\udfff][^\s\x00\ud800-\udfff]*\Z"
)
HTTP_URL_PATTERN = r"^[Hh][Tt][Tt][Pp][Ss]?://[^/?#\s]+\S*$"
# The same for OpenAPI, item by item: blank, or a URL of at most MAX_URL_LENGTH with white space
# around it (`\s` is Python's `str.isspace()`, spelled out in WHITE for other regex dialects).
_NOT_WHITE = f"[^{WHITE}\\x00]"
_URL_ITEM = (
    f"^[{WHITE}]*(?:[Hh][Tt][Tt][Pp]://[^/?#{WHITE}\\x00]{_NOT_WHITE}{{0,{MAX_URL_LENGTH - 8}}}|"
    f"[Hh][Tt][Tt][Pp][Ss]://[^/?#{WHITE}\\x00]{_NOT_WHITE}{{0,{MAX_URL_LENGTH - 9}}})?[{WHITE}]*$"
)


def _no_nul(value: str) -> str:
    # PostgreSQL text cannot hold NUL: refused here as a field error, not later as a 500.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


def _http_url(url: str) -> str:
    if not _HTTP_URL.match(url):
        raise ValueError(f"not an absolute http(s) URL: {url[:100]!r}")
    return url


def _image_urls(urls: list[str]) -> list[str]:
    kept = list(dict.fromkeys(url.strip() for url in urls if url.strip()))
    for url in kept:
        _http_url(url)
        if len(url) > MAX_URL_LENGTH:
            raise ValueError(f"URLs are at most {MAX_URL_LENGTH} characters")
    if len(kept) > MAX_IMAGE_URLS:
        raise ValueError(f"at most {MAX_IMAGE_URLS} image URLs, got {len(kept)}")
    return kept


def _cents(price: Decimal) -> Decimal:
    # 19.99 sent by a browser may arrive as 19.990000000000002: stored as 19.99, not refused.
    return price.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _equipment(items: list[str]) -> list[str]:
    kept = list(dict.fromkeys(_no_nul(item.strip()) for item in items if item.strip()))
    if any(len(item) > 100 for item in kept):
        raise ValueError("each item is at most 100 characters")
    if len(kept) > MAX_EQUIPMENT:
        raise ValueError(f"at most {MAX_EQUIPMENT} items, got {len(kept)}")
    return kept


Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
    AfterValidator(_no_nul),
    WithJsonSchema({"type": "string", "pattern": trimmed(100)}),  # lengths after trimming
]
Description = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=10_000),
    AfterValidator(_no_nul),
    WithJsonSchema({"type": "string", "pattern": trimmed(10_000)}),
]
ShortText = Name
ImageUrls = Annotated[
    list[Annotated[str, WithJsonSchema({"type": "string", "pattern": _URL_ITEM})]],
    AfterValidator(_image_urls),
]
Equipment = Annotated[
    list[Annotated[str, WithJsonSchema({"type": "string", "pattern": blank_or_trimmed(100)})]],
    AfterValidator(_equipment),
]
Year = Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR)]
Mileage = Annotated[int, Field(ge=0, le=MAX_MILEAGE)]
# Exact: never a float on the way to the database. JSON shows it as a number (PostgreSQL renders
# numeric as a JSON number), so the schema says number, not pydantic's string.
Price = Annotated[
    Decimal,
    Field(ge=0, le=MAX_PRICE),
    AfterValidator(_cents),
    WithJsonSchema(
        {
            "type": "number",
            "minimum": 0,
            "maximum": float(MAX_PRICE),
            "description": "rounded to cents (half up): a JSON number is often a binary float",
        }
    ),
]
DetailUrl = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_URL_LENGTH),
    AfterValidator(_http_url),
    WithJsonSchema(
        {
            "type": "string",
            "format": "uri",
            "maxLength": MAX_URL_LENGTH,
            "pattern": HTTP_URL_PATTERN,
        }
    ),
]
Status = Literal["available", "pending", "sold"]
