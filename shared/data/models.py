"""The vehicle's fields, declared once, and the models clients and the seed validate against.

Each attribute of `Writable` (what `POST` and the seed may write) and of `DatabaseSet` (what
the database sets) is one field: its API type and constraints, and in `Column` its SQL type, its
dealer-export column and whether the list shows it. `FIELDS` reads them back in order;
`shared.data.vehicles` builds its SQL from it, the seed its COPY rows and export columns, and
`Vehicle`/`VehicleSummary` (the answers' schemas) are derived from it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, create_model, field_validator

from shared.data import cells
from shared.data import vin as vins
from shared.data.fields import Column, Spec, specs
from shared.data.types import (
    MAX_IMAGE_URLS,
    MAX_URL_LENGTH,
    Description,
    DetailUrl,
    Equipment,
    ImageUrls,
    Mileage,
    Name,
    Price,
    ShortText,
    Status,
    Year,
)
from shared.ops.settings import get_settings

EXAMPLE_VIN = "1HGCM82633A004352"
LAST_SHORT_VIN_YEAR = 1980  # 17-character VINs are mandatory from model year 1981
# Models read only for their fields (the SQL, the seed's columns) or for the OpenAPI document:
# nothing validates with them, so their validators are built if ever used (by /openapi.json).
_DECLARATION = ConfigDict(defer_build=True)


def _no_items() -> list[str]:
    """`list()`, as a Python function: pydantic reads a default factory's signature, and
    `inspect.signature(list)` parses its text signature with tokenize's regular expressions,
    compiled on first use: 4 ms of POST's cold start (docs/performance.md, round 4)."""
    return []


class Writable(BaseModel):
    """The fields clients and the seed may write, with their rules. `VehicleCreate`
    (`shared.data.vehicle_create`) validates with them; the rest only read the declaration."""

    # Deferred: GET, the list, PATCH and DELETE read these fields and never validate a new
    # vehicle (its validator is ~9 ms of a cold start). `VehicleCreate` is built when imported.
    model_config = ConfigDict(
        defer_build=True,
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
            ],
            # A short (pre-1981) VIN with a year: the year is before 1981 (JSON Schema if/then).
            "if": {
                "properties": {"vin": {"pattern": vins.SHORT_PATTERN}},
                "required": ["vin", "year"],
            },
            "then": {"properties": {"year": {"anyOf": [{"maximum": 1980}, {"type": "null"}]}}},
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
        ImageUrls, Column("text[]", "PhotoURLs", export_required=True, parse=cells.comma_list)
    ] = Field(
        default_factory=_no_items,
        description=f"absolute http(s) URLs of at most {MAX_URL_LENGTH} characters; blanks and "
        f"repeats dropped, then at most {MAX_IMAGE_URLS}",
    )
    # Declared before the optional fields: the year's rule reads the validated VIN.
    year: Annotated[
        Year | None, Column("integer", "Year", listed=True, parse=cells.whole_number)
    ] = Field(None, description="model year; with a 5-16 character VIN, before 1981")
    trim: Annotated[ShortText | None, Column("text", "Trim", listed=True)] = None
    price: Annotated[
        Price | None, Column("numeric(12,2)", "Price", listed=True, parse=cells.money)
    ] = Field(None, examples=[34499.0])
    mileage: Annotated[
        Mileage | None, Column("integer", "Mileage", listed=True, parse=cells.miles)
    ] = Field(None, description="miles")
    condition: Annotated[ShortText | None, Column("text", "Condition")] = Field(
        None, description="as the dealer writes it", examples=["Excellent"]
    )
    stock_number: Annotated[ShortText | None, Column("text", "Stock Number")] = None
    exterior_color: Annotated[ShortText | None, Column("text", "Exterior Color")] = None
    interior_color: Annotated[ShortText | None, Column("text", "Interior Color")] = None
    transmission: Annotated[ShortText | None, Column("text", "Transmission")] = None
    fuel_type: Annotated[ShortText | None, Column("text", "Fuel Type")] = None
    dealer_name: Annotated[ShortText | None, Column("text", "DealerName", listed=True)] = None
    detail_url: Annotated[DetailUrl | None, Column("text", "VDP")] = Field(
        None, description="the dealer's page of the vehicle (the export's VDP)"
    )
    equipment: Annotated[Equipment, Column("text[]", "Equipments", parse=cells.comma_list)] = Field(
        default_factory=_no_items, description="features; blanks and repeats dropped, at most 200"
    )
    status: Annotated[Status, Column("text", listed=True)] = "available"

    @field_validator("vin")
    @classmethod
    def _valid_vin(cls, value: str) -> str:
        reason = vins.problem_as_typed(value, check=get_settings().vin_check_digit)
        if reason:
            raise ValueError(reason)
        return vins.normalize(value)

    @field_validator("year")
    @classmethod
    def _year_fits_vin(cls, year: int | None, info: ValidationInfo) -> int | None:
        vin = info.data.get("vin")
        if year is not None and vin is not None and not short_vin_allowed(vin, year):
            raise ValueError(short_vin_problem(vin))
        return year


def short_vin_allowed(vin: str, year: int) -> bool:
    """A VIN of fewer than 17 characters belongs to a vehicle built before 1981."""
    return len(vin) >= 17 or year <= LAST_SHORT_VIN_YEAR


def short_vin_problem(vin: str) -> str:
    return f"a {len(vin)}-character VIN means a model year before 1981"


# `created_at` as the API shows it, whatever the session's time zone: UTC, ISO 8601, with `Z`.
CREATED_AT_JSON = """to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')"""


# Rows older than the column have no `updated_at` (filling it would rewrite the whole table):
# for them the last change is the creation.
UPDATED_AT_JSON = CREATED_AT_JSON.replace("created_at", "coalesce(updated_at, created_at)")


class DatabaseSet(BaseModel):
    """The fields the database sets; clients never write them."""

    model_config = _DECLARATION

    created_at: Annotated[datetime, Column("timestamptz", listed=True, render=CREATED_AT_JSON)]
    updated_at: Annotated[datetime, Column("timestamptz", render=UPDATED_AT_JSON)] = Field(
        description="the last change (the creation, if none since)"
    )


class Derived(BaseModel):
    """Fields computed from stored ones, for the list."""

    model_config = _DECLARATION

    thumbnail_url: Annotated[str | None, Column("text", listed=True, source="image_urls[1]")] = (
        Field(None, description="the first of `image_urls`, if any")
    )


class Internal(BaseModel):
    """Columns no answer shows: `version` counts changes, for the ETag."""

    model_config = _DECLARATION

    version: Annotated[int, Column("bigint")]


WRITABLE: tuple[Spec, ...] = specs(Writable)
FIELDS: tuple[Spec, ...] = WRITABLE + specs(DatabaseSet)
LISTED: tuple[Spec, ...] = tuple(f for f in FIELDS + specs(Derived) if f.column.listed)
STORED: tuple[Spec, ...] = FIELDS + specs(Internal)  # every column of the table


def _answer_model(name: str, doc: str, fields: tuple[Spec, ...]) -> type[BaseModel]:
    """A response schema of `fields`: their types, descriptions and examples, no input rules."""
    declared = {
        **Writable.model_fields,
        **DatabaseSet.model_fields,
        **Derived.model_fields,
    }
    attributes: dict[str, Any] = {}
    for spec in fields:
        info = declared[spec.name]
        attributes[spec.name] = (
            info.annotation,
            Field(description=info.description, examples=info.examples),
        )
    return create_model(name, __doc__=doc, __config__=_DECLARATION, **attributes)


VehicleSummary = _answer_model("VehicleSummary", "A vehicle as the list shows it.", LISTED)
Vehicle = _answer_model("Vehicle", "A vehicle with every field.", FIELDS)
