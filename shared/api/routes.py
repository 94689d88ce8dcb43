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

from fastapi import APIRouter, Body, Depends, Header, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException

from shared.api import conditional
from shared.api.app import JSON, error_responses, json_response
from shared.api.schemas import HealthStatus, VehiclePage
from shared.data import vehicles, writes
from shared.data import vin as vins
from shared.data.models import EXAMPLE_VIN, Vehicle, VehicleCreate
from shared.data.patch import VehiclePatch, changes_of, year_problem
from shared.runtime import get_database

MAX_PAGE_SIZE = 100
_OK = b'{"status":"ok"}'
_READY = b'{"status":"ready"}'
MERGE_PATCH = "application/merge-patch+json"
_ETAG = {
    "description": "the vehicle's current version; send it back in If-Match to change it",
    "schema": {"type": "string", "example": '"1709294400000005-1"'},
}
_IF_MATCH = Header(
    description="change only if the vehicle's ETag is one of these (else 412); `*` or none: always"
)
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


async def list_page(
    page: Annotated[int, Query(ge=1, description="from 1; past the end: no items")] = 1,
    page_size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 10,
) -> Response:
    """One page of the inventory, newest first (ties by VIN), with the total."""
    return json_response(vehicles.list_page(db=get_database(), page=page, page_size=page_size))


VinPath = Annotated[str, Path(description="any letter case, spaces around it ignored")]


async def vehicle_by_vin(
    vin: VinPath,
    if_none_match: Annotated[
        str | None, Header(description="304 without a body if the ETag is one of these")
    ] = None,
) -> Response:
    """One vehicle with every field, and its ETag."""
    found = vehicles.get_by_vin(db=get_database(), vin=vins.normalize(vin))
    if conditional.not_modified(if_none_match, found.etag):
        return Response(status_code=304, headers={"ETag": found.etag})
    return json_response(found.body, headers={"ETag": found.etag})


async def _require_json(request: Request) -> None:
    # Runs before the body is validated: a form post gets this, not a list of missing fields.
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != JSON and not content_type.endswith("+json"):
        raise HTTPException(415, "Content-Type must be application/json.")


async def create(vehicle: VehicleCreate, request: Request) -> Response:
    """Add a vehicle; its VIN is stored trimmed and upper-cased and must be new in any case."""
    created = vehicles.insert(db=get_database(), vehicle=vehicle)
    location = f"{request.scope.get('root_path', '')}/api/vehicles/{vehicle.vin}"
    return json_response(created.body, 201, {"Location": location, "ETag": created.etag})


async def update(
    vin: VinPath,
    patch: Annotated[VehiclePatch, Body(media_type=MERGE_PATCH)],  # type: ignore[valid-type]
    if_match: Annotated[str | None, _IF_MATCH] = None,
) -> Response:
    """Change some fields (JSON Merge Patch): `null` clears an optional field, fields left out
    keep their values; a sold vehicle is `{"status": "sold"}`."""
    vin = vins.normalize(vin)
    changes = changes_of(patch)
    if problem := year_problem(vin, changes):
        error = {"type": "value_error", "loc": ("body", "year"), "msg": f"Value error, {problem}"}
        raise RequestValidationError([{**error, "input": changes["year"]}])
    updated = writes.update(
        db=get_database(), vin=vin, changes=changes, if_match=conditional.if_match(if_match)
    )
    return json_response(updated.body, headers={"ETag": updated.etag})


async def delete(vin: VinPath, if_match: Annotated[str | None, _IF_MATCH] = None) -> Response:
    """Remove a vehicle; it is 404 from then on."""
    writes.delete(
        db=get_database(), vin=vins.normalize(vin), if_match=conditional.if_match(if_match)
    )
    return Response(status_code=204)


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
    router.get("/api/vehicles", response_model=VehiclePage, responses=error_responses(500, 503))(
        list_page
    )
    router.get("/api/vehicles/", response_model=VehiclePage, include_in_schema=False)(list_page)
    return router


def get_vehicle() -> APIRouter:
    """GET /api/vehicles/{vin}."""
    router = APIRouter(tags=["vehicles"])
    router.get(
        "/api/vehicles/{vin}",
        response_model=Vehicle,
        responses={
            200: {"headers": {"ETag": _ETAG}},
            304: {"description": "Not modified (If-None-Match)", "headers": {"ETag": _ETAG}},
            **error_responses(404, 500, 503),
        },
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
            201: {"headers": {"Location": _LOCATION, "ETag": _ETAG}},
            **error_responses(400, 409, 413, 415, 500, 503),
        },
    )(create)
    return router


def update_vehicle() -> APIRouter:
    """PATCH /api/vehicles/{vin}."""
    router = APIRouter(tags=["vehicles"])
    body = {"schema": {"$ref": "#/components/schemas/VehiclePatch"}}
    router.patch(
        "/api/vehicles/{vin}",
        response_model=Vehicle,
        dependencies=[Depends(_require_json)],
        # application/json is accepted as well as the merge-patch type.
        openapi_extra={"requestBody": {"content": {JSON: body}}},
        responses={
            200: {"headers": {"ETag": _ETAG}},
            **error_responses(400, 404, 412, 413, 415, 500, 503),
        },
    )(update)
    return router


def delete_vehicle() -> APIRouter:
    """DELETE /api/vehicles/{vin}."""
    router = APIRouter(tags=["vehicles"])
    router.delete(
        "/api/vehicles/{vin}",
        status_code=204,
        response_class=Response,
        responses=error_responses(404, 412, 500, 503),
    )(delete)
    return router


def every_router() -> list[APIRouter]:
    """All of them, for the docs function (and local development)."""
    return [
        health(),
        list_vehicles(),
        get_vehicle(),
        create_vehicle(),
        update_vehicle(),
        delete_vehicle(),
    ]
