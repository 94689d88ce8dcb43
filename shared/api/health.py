"""GET /health and GET /health/ready: the health function's router, apart from the vehicles'.

A module of its own so that the health function imports no vehicle model, credential check or
list query: none of its answers need them (`tests/test_layout.py` checks what it loads).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from shared.api.app import JSON
from shared.api.documented import error_responses
from shared.api.fast_route import FastPathRoute, fast_path
from shared.api.routers import new_router
from shared.data import readiness as readiness_check
from shared.runtime import get_database

_OK = b'{"status":"ok"}'
_READY = b'{"status":"ready"}'


class HealthStatus(BaseModel):
    """The answer of the health checks."""

    model_config = ConfigDict(defer_build=True)  # it only describes the answer in OpenAPI

    status: str = Field(examples=["ok"])


async def liveness() -> Response:
    """The function runs; the database is not touched."""
    return Response(_OK, media_type=JSON)


async def liveness_head() -> Response:
    """HEAD /health: the same answer without a body (load balancers and uptime checks)."""
    return Response(status_code=200, media_type=JSON)


async def readiness() -> Response:
    """The vehicles can be read now (`{"status": "ready"}`), or 503 `Database unavailable.`:
    the database is unreachable, not migrated, or the table is locked (a migration waiting)."""
    readiness_check.check(db=get_database())
    return Response(_READY, media_type=JSON)


# Fast paths (see shared.api.fast_route): neither takes arguments, so every request is plain.


@fast_path(liveness)
@fast_path(readiness)
async def _no_arguments(request: Request) -> dict[str, Any]:  # noqa: ARG001 - the FastPath shape
    return {}


def health_router() -> APIRouter:
    """GET /health and GET /health/ready."""
    router = new_router(tags=["health"], route_class=FastPathRoute)
    router.get("/health", response_model=HealthStatus, responses=error_responses(500))(liveness)
    router.head("/health", include_in_schema=False)(liveness_head)
    router.get("/health/ready", response_model=HealthStatus, responses=error_responses(500, 503))(
        readiness
    )
    return router
