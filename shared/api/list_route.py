"""GET /api/vehicles: the list's query language (`shared.api.query`) over `shared.data.listing`.

A request with no parameter of the query language but `page` and `page_size` (what every old
client sends) takes the fast path of `shared.api.fast_route` when its numbers are plainly valid;
anything else is validated by FastAPI from `ListQuery`, so every 422 is FastAPI's own.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response

from shared.api import security
from shared.api.app import JSON, json_response
from shared.api.documented import error_responses
from shared.api.fast_route import FastPathRoute, fast_path
from shared.api.query import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, ListQuery
from shared.api.schemas import ErrorDetail, VehiclePage
from shared.data import cursor, listing
from shared.ops.settings import get_settings
from shared.runtime import get_database

# The page numbers the fast path takes as they are; any other spelling goes to FastAPI.
_PLAIN_NUMBER = re.compile(r"[1-9][0-9]{0,8}")
_PAGING = frozenset({"page", "page_size"})
_LANGUAGE = frozenset(ListQuery.model_fields) - _PAGING
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
async def _page_arguments(request: Request) -> dict[str, Any] | None:
    if get_settings().auth_read:  # private reads: FastAPI's path, where `security.reader` runs
        return None
    params = request.query_params
    if not _LANGUAGE.isdisjoint(params.keys()):
        return None
    numbers = {"page": 1, "page_size": DEFAULT_PAGE_SIZE}
    for name, highest in (("page", None), ("page_size", MAX_PAGE_SIZE)):
        values = params.getlist(name)
        if not values:
            continue
        if len(values) > 1 or not _PLAIN_NUMBER.fullmatch(values[0]):
            return None
        number = int(values[0])
        if highest is not None and number > highest:
            return None
        numbers[name] = number
    return {
        "query": ListQuery.model_construct(page=numbers["page"], page_size=numbers["page_size"])
    }


def list_router() -> APIRouter:
    """GET /api/vehicles, and the same without a redirect at /api/vehicles/."""
    router = APIRouter(
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
