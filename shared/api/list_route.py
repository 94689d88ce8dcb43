"""GET /api/vehicles: the list's query language (`shared.api.query`) over `shared.data.listing`.

A request takes the fast path of `shared.api.fast_route` when `ListQuery` accepts its parameters
as they are (each single-valued parameter given at most once); anything else is validated by
FastAPI from the same model, so every 422 is FastAPI's own.
"""

from __future__ import annotations

from typing import Annotated, Any, get_origin

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from shared.api import security
from shared.api.app import JSON, json_response
from shared.api.documented import ErrorDetail, error_responses
from shared.api.fast_route import FastPathRoute, fast_path
from shared.api.query import ListQuery
from shared.api.routers import new_router
from shared.api.schemas import VehiclePage
from shared.data import cursor, listing
from shared.ops.settings import get_settings
from shared.runtime import get_database

_FIELDS = frozenset(ListQuery.model_fields)
_REPEATABLE = frozenset(
    name for name, field in ListQuery.model_fields.items() if get_origin(field.annotation) is list
)
_INVALID_CURSOR = {
    "model": ErrorDetail,
    "description": "Invalid cursor, or one of another query",
    "content": {JSON: {"example": {"detail": cursor.INVALID}}},
}


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


@fast_path(list_page, dependencies=(security.reader,))
async def _list_arguments(request: Request) -> dict[str, Any] | None:
    if get_settings().auth_read:  # private reads: FastAPI's path, where `security.reader` runs
        return None
    values: dict[str, Any] = {}
    for name, value in request.query_params.multi_items():
        if name in _REPEATABLE:
            values.setdefault(name, []).append(value)
        elif name in _FIELDS:
            if name in values:  # a repeated single value: FastAPI's own rules decide
                return None
            values[name] = value
    try:  # the model FastAPI validates the parameters with, in the same (lax) mode
        query = ListQuery.model_validate(values)
        query.search()  # a minimum above its maximum: the 422 is raised on FastAPI's path
    except (ValidationError, RequestValidationError):  # FastAPI answers with its own 422
        return None
    return {"query": query}


def list_router() -> APIRouter:
    """GET /api/vehicles, and the same without a redirect at /api/vehicles/."""
    router = new_router(
        tags=["vehicles"], route_class=FastPathRoute, dependencies=[Depends(security.reader)]
    )
    router.get(
        "/api/vehicles",
        response_model=VehiclePage,
        responses={400: _INVALID_CURSOR, **error_responses(*security.READ_ERRORS, 500, 503)},
        openapi_extra=security.READ_SECURITY,
    )(list_page)
    router.get("/api/vehicles/", response_model=VehiclePage, include_in_schema=False)(list_page)
    return router
