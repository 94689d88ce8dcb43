"""GET /api/vehicles/{vin} and POST /api/vehicles, one router factory each, and `all_routers`
for the docs function (health, the list, PATCH and DELETE have modules of their own).

Routers are built by functions, not at import, so a function's cold start builds only its own
(FastAPI does real work per route: parameter and response models, OpenAPI metadata).

Routes are `async def` and call the blocking psycopg code directly. A `def` route would be handed
to a thread pool, about 0.8 ms per call under Mangum; a Lambda container serves one request at a
time, so blocking its event loop delays nobody. (Under uvicorn, for local development, requests
are served one at a time: fine there.)
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request, Response
from pydantic import ValidationError

from shared.api import conditional, security
from shared.api.app import JSON, json_response
from shared.api.documented import ErrorDetail, error_responses
from shared.api.fast_route import FastPathRoute, fast_path
from shared.api.params import ETAG_HEADER, VinPath, media_type, require_json
from shared.api.routers import new_router
from shared.auth import access
from shared.auth.access import Caller
from shared.data import vehicles
from shared.data import vin as vins
from shared.data.models import EXAMPLE_VIN, Vehicle, VehicleCreate, VehicleSummary
from shared.ops.settings import get_settings
from shared.runtime import get_database

_LOCATION = {
    "description": "where the new vehicle can be read",
    "schema": {"type": "string", "example": f"/api/vehicles/{EXAMPLE_VIN}"},
}

# The new vehicle can be read at its Location: said as an OpenAPI link, which fuzzers follow.
_READ_IT = {
    "GetVehicleByVin": {
        "operationId": "vehicle_by_vin_api_vehicles__vin__get",
        "parameters": {"vin": "$response.body#/vin"},
        "description": "the `vin` of the answer is the path parameter of `Location`",
    }
}


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


async def create(
    vehicle: VehicleCreate, request: Request, caller: Annotated[Caller, Depends(security.writer)]
) -> Response:
    """Add a vehicle; its VIN is stored trimmed and upper-cased and must be new in any case.

    Needs a credential: a Supabase access token granting a write role, or an API key. A
    dealer-scoped credential may only add vehicles of its dealers (403 otherwise)."""
    created = vehicles.insert(
        db=get_database(),
        vehicle=vehicle,
        api_key_hash=caller.api_key_hash,
        dealers=caller.dealers,
    )
    location = f"{request.scope.get('root_path', '')}/api/vehicles/{vehicle.vin}"
    return json_response(created.body, 201, {"Location": location, "ETag": created.etag})


# Fast paths (see shared.api.fast_route): the arguments of a plainly valid request, else None.
# Private reads (AUTH_READ=on) always take FastAPI's path, where `security.reader` runs.


@fast_path(vehicle_by_vin, dependencies=(security.reader,))
async def _vin_arguments(request: Request) -> dict[str, Any] | None:
    if get_settings().auth_read:
        return None
    # Any text: FastAPI would not refuse it either.
    return {
        "vin": request.path_params["vin"],
        "if_none_match": request.headers.get("if-none-match"),
    }


@fast_path(create, dependencies=(require_json, security.writer))
async def _create_arguments(request: Request) -> dict[str, Any] | None:
    if media_type(request) != JSON:  # require_json's 415, and +json types, FastAPI's way
        return None
    try:  # parsed and validated as FastAPI does: json.loads, then the model in Python mode
        vehicle = VehicleCreate.model_validate(json.loads(await request.body()))
    except (ValueError, ValidationError):  # FastAPI answers with its own 400 or 422
        return None
    # As FastAPI does after the body: the credential (401/403 raised as the dependency raises).
    headers = request.headers
    caller = access.for_write(
        get_settings(), authorization=headers.get("authorization"), api_key=headers.get("x-api-key")
    )
    return {"vehicle": vehicle, "request": request, "caller": caller}


def get_router() -> APIRouter:
    """GET /api/vehicles/{vin}."""
    router = new_router(
        tags=["vehicles"], route_class=FastPathRoute, dependencies=[Depends(security.reader)]
    )
    router.get(
        "/api/vehicles/{vin}",
        response_model=Vehicle,
        responses={
            200: {"headers": {"ETag": ETAG_HEADER}},
            304: {"description": "Not modified (If-None-Match)", "headers": {"ETag": ETAG_HEADER}},
            **error_responses(*security.READ_ERRORS, 404, 500, 503),
        },
        openapi_extra=security.READ_SECURITY,
    )(vehicle_by_vin)
    return router


def create_router() -> APIRouter:
    """POST /api/vehicles."""
    router = new_router(tags=["vehicles"], route_class=FastPathRoute)
    router.post(
        "/api/vehicles",
        status_code=201,
        response_model=Vehicle,
        dependencies=[Depends(require_json)],
        responses={
            201: {"headers": {"Location": _LOCATION, "ETag": ETAG_HEADER}, "links": _READ_IT},
            **error_responses(400, 401, 403, 409, 413, 415, 500, 503),
        },
    )(create)
    return router


def all_routers() -> list[APIRouter]:
    """All of them, for the docs function (and local development)."""
    # Imported here: a function mounting one of these needs none of the others (PATCH builds
    # its own model, the list its query's; health needs no vehicle model at all).
    from shared.api.health import HealthStatus, health_router  # noqa: PLC0415
    from shared.api.lifecycle import delete_router  # noqa: PLC0415
    from shared.api.list_route import list_router  # noqa: PLC0415
    from shared.api.schemas import VehiclePage  # noqa: PLC0415
    from shared.api.update_route import update_router  # noqa: PLC0415

    routers = [
        health_router(),
        list_router(),
        get_router(),
        create_router(),
        update_router(),
        delete_router(),
    ]
    # The answers' models only describe them (`defer_build`): the docs function, whose document
    # shows them all, builds them now rather than on its first /openapi.json.
    for model in (VehicleSummary, Vehicle, VehiclePage, ErrorDetail, HealthStatus):
        model.model_rebuild()
    return routers
