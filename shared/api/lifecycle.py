"""DELETE /api/vehicles/{vin}, honouring If-Match: the delete function's router. It needs a write
credential, as POST does; PATCH, the rest of a vehicle's lifecycle, is `shared.api.update_route`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response

from shared.api import conditional, security
from shared.api.documented import error_responses
from shared.api.fast_route import FastPathRoute, fast_path
from shared.api.params import IF_MATCH, VinPath
from shared.api.routers import new_router
from shared.auth import access
from shared.auth.access import Caller
from shared.data import vin as vins
from shared.data import writes
from shared.ops.settings import get_settings
from shared.runtime import get_database


async def delete(
    vin: VinPath,
    caller: Annotated[Caller, Depends(security.writer)],
    if_match: Annotated[str | None, IF_MATCH] = None,
) -> Response:
    """Remove a vehicle; it is 404 from then on. Needs a write credential, as POST does; a
    dealer-scoped one may only remove its dealers' vehicles (403)."""
    writes.delete(
        db=get_database(),
        vin=vins.normalize(vin),
        if_match=conditional.if_match(if_match),
        api_key_hash=caller.api_key_hash,
        dealers=caller.dealers,
    )
    return Response(status_code=204)


@fast_path(delete, dependencies=(security.writer,))
async def _delete_arguments(request: Request) -> dict[str, Any]:
    """Every request is plain (a path of any text, an optional header); the credential is
    checked as `security.writer` checks it, raising its 401 or 403 (shared.api.fast_route).
    Served from the event, a DELETE skips FastAPI's request handler, which on its first request
    reads the endpoint's source file for its error messages (docs/performance.md, round 4)."""
    headers = request.headers
    caller = access.for_write(
        get_settings(), authorization=headers.get("authorization"), api_key=headers.get("x-api-key")
    )
    return {
        "vin": request.path_params["vin"],
        "caller": caller,
        "if_match": headers.get("if-match"),
    }


def delete_router() -> APIRouter:
    """DELETE /api/vehicles/{vin}."""
    router = new_router(tags=["vehicles"], route_class=FastPathRoute)
    router.delete(
        "/api/vehicles/{vin}",
        status_code=204,
        response_class=Response,
        responses=error_responses(401, 403, 404, 412, 500, 503),
    )(delete)
    return router
