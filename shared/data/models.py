"""The vehicle's fields, declared once, and the models clients and the seed validate against.

Each attribute of `VehicleCreate` (what `POST` and the seed may write) and of `DatabaseSet` (what
the database sets) is one field: its API type and constraints, and in `Column` its SQL type, its
dealer-export column and whether the list shows it. `FIELDS` reads them back in order;
`shared.data.vehicles` builds its SQL from it, the seed its COPY rows and export columns, and
`Vehicle`/`VehicleSummary` (the answers' schemas) are derived from it.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    create_model,
    field_validator,
)

from shared.data import vin as vins
from shared.data.fields import Column, Spec, specs
from shared.data.text import WHITE, trimmed
from shared.ops.settings import get_settings

MAX_IMAGE_URLS = 50
MAX_URL_LENGTH = 2048
# Scheme, a non-empty host, no white space. A regex, not urlsplit: the seed checks 20 URLs a
# row and urlsplit made up most of the validation time of a 100,000-row import.
_HTTP_URL = re.compile(
    r"[Hh][Tt][Tt][Pp][Ss]?://[^/?#\s\x00\ud800-\udfff][^\s\x00\ud800-\udfff]*\Z"
)
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
EXAMPLE_VIN = "1HGCM82633A004352"


class VehicleCreate(BaseModel):
    """A vehicle as `POST /api/vehicles` and the seed receive it; unknown fields are ignored."""

    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            "examples": [
                {
                    "vin": EXAMPLE_VIN,
                    "make": "Honda",
                    "model": "Accord",
                    "description": "One owner, full service history.",
                    "image_urls": ["https://images.example.com/accord/1.jpg"],
                }
            ]
        },
    )

    vin: Annotated[str, Column("text", export="VIN", listed=True)] = Field(
        description=vins.DESCRIPTION,
        examples=[EXAMPLE_VIN],
        json_schema_extra={"pattern": vins.PATTERN, "format": "vin"},
    )
    make: Annotated[Name, Column("text", export="Make", listed=True)] = Field(
        description="1-100 characters after trimming white space", examples=["Honda"]
    )
    model: Annotated[Name, Column("text", export="Model", listed=True)] = Field(
        description="1-100 characters after trimming white space", examples=["Accord"]
    )
    description: Annotated[Description, Column("text", export="WebAdDescription")] = Field(
        description="1-10,000 characters after trimming white space"
    )
    # Required as a column though a vehicle may have no photos: a renamed or missing photo column
    # would otherwise drop every photo silently.
    image_urls: Annotated[
        list[Annotated[str, WithJsonSchema({"type": "string", "pattern": _URL_ITEM})]],
        Column("text[]", "PhotoURLs", export_required=True),
    ] = Field(
        default_factory=list,
        description=f"absolute http(s) URLs of at most {MAX_URL_LENGTH} characters; blanks and "
        f"repeats dropped, then at most {MAX_IMAGE_URLS}",
    )

    @field_validator("vin")
    @classmethod
    def _valid_vin(cls, value: str) -> str:
        reason = vins.problem_as_typed(value, check=get_settings().vin_check_digit)
        if reason:
            raise ValueError(reason)
        return vins.normalize(value)

    @field_validator("image_urls")
    @classmethod
    def _valid_urls(cls, urls: list[str]) -> list[str]:
        kept = list(dict.fromkeys(url.strip() for url in urls if url.strip()))
        for url in kept:
            if not _HTTP_URL.match(url):
                raise ValueError(f"not an absolute http(s) URL: {url[:100]!r}")
            if len(url) > MAX_URL_LENGTH:
                raise ValueError(f"URLs are at most {MAX_URL_LENGTH} characters")
        if len(kept) > MAX_IMAGE_URLS:
            raise ValueError(f"at most {MAX_IMAGE_URLS} image URLs, got {len(kept)}")
        return kept


# `created_at` as the API shows it, whatever the session's time zone: UTC, ISO 8601, with `Z`.
CREATED_AT_JSON = """to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')"""


class DatabaseSet(BaseModel):
    """The fields the database sets; clients never write them."""

    created_at: Annotated[datetime, Column("timestamptz", listed=True, render=CREATED_AT_JSON)]


WRITABLE: tuple[Spec, ...] = specs(VehicleCreate)
FIELDS: tuple[Spec, ...] = WRITABLE + specs(DatabaseSet)
LISTED: tuple[Spec, ...] = tuple(f for f in FIELDS if f.column.listed)


def _answer_model(name: str, doc: str, fields: tuple[Spec, ...]) -> type[BaseModel]:
    """A response schema of `fields`: their types, descriptions and examples, no input rules."""
    declared = {**VehicleCreate.model_fields, **DatabaseSet.model_fields}
    attributes: dict[str, Any] = {}
    for spec in fields:
        info = declared[spec.name]
        attributes[spec.name] = (
            info.annotation,
            Field(description=info.description, examples=info.examples),
        )
    return create_model(name, __doc__=doc, **attributes)


VehicleSummary = _answer_model("VehicleSummary", "A vehicle as the list shows it.", LISTED)
Vehicle = _answer_model("Vehicle", "A vehicle with every field.", FIELDS)
