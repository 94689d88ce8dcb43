"""The endpoints, one router each: a function mounts its own, the docs function mounts them all.

Routers are built by functions, not at import, so a function's cold start builds only its own
(FastAPI does real work per route: parameter and response models, OpenAPI metadata).

Routes are `async def` and call the blocking psycopg code directly. A `def` route would be handed
to a thread pool, about 0.8 ms per call under Mangum; a Lambda container serves one request at a
time, so blocking its event loop delays nobody. (Under uvicorn, for local development, requests
are served one at a time: fine there.)
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from shared.api import security
from shared.api.app import JSON, error_responses, json_response
from shared.auth.access import Caller
from shared.data import vehicles
from shared.data import vin as vins
from shared.data.models import EXAMPLE_VIN, Vehicle, VehicleCreate, VehiclePage
from shared.runtime import get_database

MAX_PAGE_SIZE = 100
_OK = b'{"status":"ok"}'
_READY = b'{"status":"ready"}'
_LOCATION = {
    "description": "where the new vehicle can be read",
    "schema": {"type": "string", "example": f"/api/vehicles/{EXAMPLE_VIN}"},
}


class HealthStatus(BaseModel):
    """The answer of the health checks."""

    status: str = Field(examples=["ok"])


async def liveness() -> Response:
    """The function runs; the database is not touched."""
    return Response(_OK, media_type=JSON)


async def liveness_head() -> Response:
    """HEAD /health: the same answer without a body (load balancers and uptime checks)."""
    return Response(status_code=200, media_type=JSON)


async def readiness() -> Response:
    """The database answers (`{"status": "ready"}`), or 503 `Database unavailable.`."""
    get_database().fetch_one("SELECT 1", retry=True)
    return Response(_READY, media_type=JSON)


async def list_page(
    page: Annotated[int, Query(ge=1, description="from 1; past the end: no items")] = 1,
    page_size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 10,
) -> Response:
    """One page of the inventory, newest first (ties by VIN), with the total."""
    return json_response(vehicles.list_page(db=get_database(), page=page, page_size=page_size))


async def vehicle_by_vin(
    vin: Annotated[str, Path(description="any letter case, spaces around it ignored")],
) -> Response:
    """One vehicle with every field."""
    return json_response(vehicles.get_by_vin(db=get_database(), vin=vins.normalize(vin)))


async def _require_json(request: Request) -> None:
    # Runs before the body is validated: a form post gets this, not a list of missing fields.
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != JSON and not content_type.endswith("+json"):
        raise HTTPException(415, "Content-Type must be application/json.")


async def create(
    vehicle: VehicleCreate, request: Request, caller: Annotated[Caller, Depends(security.writer)]
) -> Response:
    """Add a vehicle; its VIN is stored trimmed and upper-cased and must be new in any case.

    Needs a credential: a Supabase access token granting a write role, or an API key."""
    db = get_database()
    body = vehicles.insert(db=db, vehicle=vehicle, api_key_hash=caller.api_key_hash)
    location = f"{request.scope.get('root_path', '')}/api/vehicles/{vehicle.vin}"
    return json_response(body, 201, {"Location": location})


def health() -> APIRouter:
    """GET /health and GET /health/ready."""
    router = APIRouter(tags=["health"])
    router.get("/health", response_model=HealthStatus, responses=error_responses(500))(liveness)
    router.head("/health", include_in_schema=False)(liveness_head)
    router.get("/health/ready", response_model=HealthStatus, responses=error_responses(500, 503))(
        readiness
    )
    return router


def list_vehicles() -> APIRouter:
    """GET /api/vehicles, and the same without a redirect at /api/vehicles/."""
    router = APIRouter(tags=["vehicles"], dependencies=[Depends(security.reader)])
    router.get(
        "/api/vehicles",
        response_model=VehiclePage,
        responses=error_responses(*security.READ_ERRORS, 500, 503),
        openapi_extra=security.READ_SECURITY,
    )(list_page)
    router.get("/api/vehicles/", response_model=VehiclePage, include_in_schema=False)(list_page)
    return router


def get_vehicle() -> APIRouter:
    """GET /api/vehicles/{vin}."""
    router = APIRouter(tags=["vehicles"], dependencies=[Depends(security.reader)])
    router.get(
        "/api/vehicles/{vin}",
        response_model=Vehicle,
        responses=error_responses(*security.READ_ERRORS, 404, 500, 503),
        openapi_extra=security.READ_SECURITY,
    )(vehicle_by_vin)
    return router


def create_vehicle() -> APIRouter:
    """POST /api/vehicles."""
    router = APIRouter(tags=["vehicles"])
    router.post(
        "/api/vehicles",
        status_code=201,
        response_model=Vehicle,
        dependencies=[Depends(_require_json)],
        responses={
            201: {"headers": {"Location": _LOCATION}},
            **error_responses(400, 401, 403, 409, 413, 415, 500, 503),
        },
    )(create)
    return router


def every_router() -> list[APIRouter]:
    """All of them, for the docs function (and local development)."""
    return [health(), list_vehicles(), get_vehicle(), create_vehicle()]
