"""PATCH /api/vehicles/{vin}: JSON Merge Patch with If-Match, the update function's router.

Apart from DELETE's (`shared.api.lifecycle`): only this function builds the patch model.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from shared.api import conditional, security
from shared.api.app import JSON, json_response
from shared.api.documented import error_responses
from shared.api.fast_route import FastPathRoute, fast_path
from shared.api.params import ETAG_HEADER, IF_MATCH, VinPath, media_type, require_json
from shared.api.routers import new_router
from shared.auth import access
from shared.auth.access import Caller
from shared.data import vin as vins
from shared.data import writes
from shared.data.models import Vehicle
from shared.data.patch import VehiclePatch, changes_of, year_problem
from shared.errors import NotFoundError
from shared.ops.settings import get_settings
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


# A plainly valid request's arguments, else None (see shared.api.fast_route).


@fast_path(update, dependencies=(require_json, security.writer))
async def _update_arguments(request: Request) -> dict[str, Any] | None:
    if media_type(request) not in (MERGE_PATCH, JSON):  # other +json types: FastAPI's way
        return None
    try:  # parsed and validated as FastAPI does: json.loads, then the model in Python mode
        patch = VehiclePatch.model_validate(json.loads(await request.body()))
    except (ValueError, ValidationError):  # FastAPI answers with its own 400 or 422
        return None
    vin = request.path_params["vin"]
    if year_problem(vins.normalize(vin), changes_of(patch)):  # the endpoint's 422, FastAPI's
        return None
    # As FastAPI does after the body: the credential (401/403 raised as the dependency raises).
    headers = request.headers
    caller = access.for_write(
        get_settings(), authorization=headers.get("authorization"), api_key=headers.get("x-api-key")
    )
    return {"vin": vin, "patch": patch, "caller": caller, "if_match": headers.get("if-match")}


def update_router() -> APIRouter:
    """PATCH /api/vehicles/{vin}."""
    router = new_router(tags=["vehicles"], route_class=FastPathRoute)
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
