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
from starlette.exceptions import HTTPException

from shared.api.app import JSON, error_responses, json_response
from shared.api.query import ListQuery
from shared.api.schemas import ErrorDetail, HealthStatus, VehiclePage
from shared.data import cursor, listing, vehicles
from shared.data import vin as vins
from shared.data.models import EXAMPLE_VIN, Vehicle, VehicleCreate
from shared.runtime import get_database

_OK = b'{"status":"ok"}'
_READY = b'{"status":"ready"}'
_INVALID_CURSOR = {
    "model": ErrorDetail,
    "description": "Invalid cursor, or one of another query",
    "content": {JSON: {"example": {"detail": cursor.INVALID}}},
}
_LOCATION = {
    "description": "where the new vehicle can be read",
    "schema": {"type": "string", "example": f"/api/vehicles/{EXAMPLE_VIN}"},
}


async def liveness() -> Response:
    """The function runs; the database is not touched."""
    return Response(_OK, media_type=JSON)


async def readiness() -> Response:
    """The database answers (`{"status": "ready"}`), or 503 `Database unavailable.`."""
    get_database().fetch_one("SELECT 1", retry=True)
    return Response(_READY, media_type=JSON)


async def list_page(query: Annotated[ListQuery, Query()]) -> Response:
    """One page of the inventory, newest first (ties by VIN) unless `sort` says otherwise, of
    the vehicles matching every filter given, with the total and the next page's cursor."""
    body = listing.find(
        db=get_database(),
        search=query.search(),
        page=query.page,
        page_size=query.page_size,
        after=query.cursor,
        count=query.count or "estimated",
    )
    return json_response(body)


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


async def create(vehicle: VehicleCreate, request: Request) -> Response:
    """Add a vehicle; its VIN is stored trimmed and upper-cased and must be new in any case."""
    body = vehicles.insert(db=get_database(), vehicle=vehicle)
    location = f"{request.scope.get('root_path', '')}/api/vehicles/{vehicle.vin}"
    return json_response(body, 201, {"Location": location})


def health() -> APIRouter:
    """GET /health and GET /health/ready."""
    router = APIRouter(tags=["health"])
    router.get("/health", response_model=HealthStatus, responses=error_responses(500))(liveness)
    router.get("/health/ready", response_model=HealthStatus, responses=error_responses(500, 503))(
        readiness
    )
    return router


def list_vehicles() -> APIRouter:
    """GET /api/vehicles, and the same without a redirect at /api/vehicles/."""
    router = APIRouter(tags=["vehicles"])
    responses = {400: _INVALID_CURSOR, **error_responses(500, 503)}
    router.get("/api/vehicles", response_model=VehiclePage, responses=responses)(list_page)
    router.get("/api/vehicles/", response_model=VehiclePage, include_in_schema=False)(list_page)
    return router


def get_vehicle() -> APIRouter:
    """GET /api/vehicles/{vin}."""
    router = APIRouter(tags=["vehicles"])
    router.get(
        "/api/vehicles/{vin}", response_model=Vehicle, responses=error_responses(404, 500, 503)
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
            **error_responses(400, 409, 413, 415, 500, 503),
        },
    )(create)
    return router


def every_router() -> list[APIRouter]:
    """All of them, for the docs function (and local development)."""
    return [health(), list_vehicles(), get_vehicle(), create_vehicle()]
