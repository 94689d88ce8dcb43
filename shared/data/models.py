"""Pydantic models at the boundary: what clients and CSV rows send, and what the API returns."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

from shared.data import vin as vins
from shared.ops.settings import get_settings

MAX_IMAGE_URLS = 50
MAX_URL_LENGTH = 2048
# Scheme, a non-empty host, no white space. A regex, not urlsplit: the seed checks 20 URLs a
# row and urlsplit made up most of the validation time of a 100,000-row import.
_HTTP_URL = re.compile(r"(?i:https?)://[^/?#\s\x00]+[^\s\x00]*\Z")


def _no_nul(value: str) -> str:
    # PostgreSQL text cannot hold NUL: refused here as a field error, not later as a 500.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
    AfterValidator(_no_nul),
]
Description = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=10_000),
    AfterValidator(_no_nul),
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

    vin: str = Field(description="17 characters (5-16 before 1981); stored upper-case")
    make: Name
    model: Name
    description: Description
    image_urls: list[str] = Field(
        default_factory=list,
        description=f"absolute http(s) URLs, blanks and repeats dropped, at most {MAX_IMAGE_URLS}",
    )

    @field_validator("vin")
    @classmethod
    def _valid_vin(cls, value: str) -> str:
        value = vins.normalize(value)
        reason = vins.problem(value, check=get_settings().vin_check_digit)
        if reason:
            raise ValueError(reason)
        return value

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


class VehicleSummary(BaseModel):
    """A vehicle as the list shows it."""

    vin: str = Field(examples=[EXAMPLE_VIN])
    make: str = Field(examples=["Honda"])
    model: str = Field(examples=["Accord"])
    created_at: datetime


class Vehicle(VehicleSummary):
    """A vehicle with every field."""

    description: str
    image_urls: list[str]


class VehiclePage(BaseModel):
    """One page of the list, newest first."""

    items: list[VehicleSummary]
    total: int = Field(description="vehicles in the whole inventory")
    page: int
    page_size: int
    total_pages: int = Field(description="max(1, ceil(total / page_size))")


class ErrorDetail(BaseModel):
    """Every error a client sees has this shape (422 uses FastAPI's list of field errors)."""

    detail: str
