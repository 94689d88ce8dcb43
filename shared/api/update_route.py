"""PATCH /api/vehicles/{vin}: JSON Merge Patch with If-Match, the update function's router.

Apart from DELETE's (`shared.api.lifecycle`): only this function builds the patch model.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Response
from fastapi.exceptions import RequestValidationError

from shared.api import conditional, security
from shared.api.app import JSON, json_response
from shared.api.documented import error_responses
from shared.api.params import ETAG_HEADER, IF_MATCH, VinPath, require_json
from shared.api.routers import new_router
from shared.auth.access import Caller
from shared.data import vin as vins
from shared.data import writes
from shared.data.models import Vehicle
from shared.data.patch import VehiclePatch, changes_of, year_problem
from shared.errors import NotFoundError
from shared.runtime import get_database

MERGE_PATCH = "application/merge-patch+json"


async def update(
    vin: VinPath,
    patch: Annotated[VehiclePatch, Body(media_type=MERGE_PATCH)],  # type: ignore[valid-type]
    caller: Annotated[Caller, Depends(security.writer)],
    if_match: Annotated[str | None, IF_MATCH] = None,
) -> Response:
    """Change some fields (JSON Merge Patch): `null` clears an optional field, fields left out
    keep their values; a sold vehicle is `{"status": "sold"}`. A dealer-scoped credential may
    only change its dealers' vehicles, and not move one to another dealer (403)."""
    vin = vins.normalize(vin)
    if vins.problem(vin, check=False):  # never stored, so no vehicle: before the body's rules
        raise NotFoundError("Vehicle not found.")
    changes = changes_of(patch)
    if problem := year_problem(vin, changes):
        error = {"type": "value_error", "loc": ("body", "year"), "msg": f"Value error, {problem}"}
        raise RequestValidationError([{**error, "input": changes["year"]}])
    updated = writes.update(
        db=get_database(),
        vin=vin,
        changes=changes,
        if_match=conditional.if_match(if_match),
        api_key_hash=caller.api_key_hash,
        dealers=caller.dealers,
    )
    return json_response(updated.body, headers={"ETag": updated.etag})


def update_router() -> APIRouter:
    """PATCH /api/vehicles/{vin}."""
    router = new_router(tags=["vehicles"])
    body = {"schema": {"$ref": "#/components/schemas/VehiclePatch"}}
    router.patch(
        "/api/vehicles/{vin}",
        response_model=Vehicle,
        dependencies=[Depends(require_json)],
        # application/json is accepted as well as the merge-patch type.
        openapi_extra={"requestBody": {"content": {JSON: body}}},
        responses={
            200: {"headers": {"ETag": ETAG_HEADER}},
            **error_responses(400, 401, 403, 404, 412, 413, 415, 500, 503),
        },
    )(update)
    return router
