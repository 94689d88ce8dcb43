"""The list's answer schema (the vehicle's are derived in `shared.data.models`; errors' and health's
are beside their routes, in `shared.api.documented` and `shared.api.health`)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.data.models import VehicleSummary

# Answers are JSON rendered by PostgreSQL, never validated: these models only describe them in
# the OpenAPI document, so their validators are built by /openapi.json, if ever.
_DESCRIPTION = ConfigDict(defer_build=True)


class VehiclePage(BaseModel):
    """One page of the list, in the order of `sort` (newest first by default)."""

    model_config = _DESCRIPTION

    # VehicleSummary is built from the field declaration at import: a value, not a static class.
    items: list[VehicleSummary]  # type: ignore[valid-type]
    total: int | None = Field(
        description="vehicles matching the filters (the whole inventory without any); "
        "null with count=none"
    )
    count: Literal["exact", "estimated", "none"] = Field(description="what `total` is")
    page: int = Field(description="the page number; with a cursor, counted along its walk")
    page_size: int
    total_pages: int | None = Field(description="max(1, ceil(total / page_size)); null if total is")
    next_cursor: str | None = Field(
        description="pass as `cursor`, with the same filters and sort, for the next page; "
        "null on the last page"
    )
