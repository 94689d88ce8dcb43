"""GET /api/vehicles/{vin}, and `all_routers` for the whole API (`shared.api.openapi`): health,
the list, POST, PATCH and DELETE have modules of their own.

Routers are built by functions, not at import, so a function's cold start builds only its own
(FastAPI does real work per route: parameter and response models, OpenAPI metadata).

Routes are `async def` and call the blocking psycopg code directly. A `def` route would be handed
to a thread pool, about 0.8 ms per call under Mangum; a Lambda container serves one request at a
time, so blocking its event loop delays nobody. (Under uvicorn, for local development, requests
are served one at a time: fine there.)
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request, Response

from shared.api import conditional, security
from shared.api.app import json_response
from shared.api.documented import ErrorDetail, error_responses
from shared.api.fast_route import FastPathRoute, fast_path
from shared.api.params import ETAG_HEADER, VinPath
from shared.api.routers import new_router
from shared.data import vehicles
from shared.data import vin as vins
from shared.data.models import Vehicle, VehicleSummary
from shared.ops.settings import get_settings
from shared.runtime import get_database


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


def all_routers() -> list[APIRouter]:
    """All of them, for the docs function (and local development)."""
    # Imported here: a function mounting one of these needs none of the others (PATCH builds
    # its own model, the list its query's; health needs no vehicle model at all).
    from shared.api.create_route import create_router  # noqa: PLC0415
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
