"""POST /api/vehicles: the create function's router, apart from GET's (`shared.api.routes`).

A module of its own so that only this function (and the seed) import `VehicleCreate` and build
its validator (`shared.data.vehicle_create`). Routes call psycopg directly from `async def`, as
`shared.api.routes` explains.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from pydantic import ValidationError

from shared.api import security
from shared.api.app import JSON, json_response
from shared.api.documented import error_responses
from shared.api.fast_route import FastPathRoute, fast_path
from shared.api.params import ETAG_HEADER, media_type, require_json
from shared.api.routers import new_router
from shared.auth import access
from shared.auth.access import Caller
from shared.data import vehicles
from shared.data.models import EXAMPLE_VIN, Vehicle
from shared.data.vehicle_create import VehicleCreate
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


# A plainly valid request's arguments, else None (see shared.api.fast_route).


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
