"""The API's own answer schemas (the vehicle's are derived in `shared.data.models`)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from shared.data.models import VehicleSummary


class VehiclePage(BaseModel):
    """One page of the list, newest first."""

    # VehicleSummary is built from the field declaration at import: a value, not a static class.
    items: list[VehicleSummary]  # type: ignore[valid-type]
    total: int = Field(description="vehicles in the whole inventory")
    page: int
    page_size: int
    total_pages: int = Field(description="max(1, ceil(total / page_size))")


class ErrorDetail(BaseModel):
    """Every error a client sees has this shape (422 uses FastAPI's list of field errors)."""

    detail: str


class HealthStatus(BaseModel):
    """The answer of the health checks."""

    status: str = Field(examples=["ok"])
