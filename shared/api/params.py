"""What the vehicle routes share: the VIN path parameter, the ETag and If-Match headers'
descriptions, and the JSON content-type check of writes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header, Path, Request
from starlette.exceptions import HTTPException

from shared.api.app import JSON

ETAG_HEADER = {
    "description": "the vehicle's current version; send it back in If-Match to change it",
    "schema": {"type": "string", "example": '"1709294400000005-1"'},
}

VinPath = Annotated[str, Path(description="any letter case, spaces around it ignored")]
IF_MATCH = Header(
    description="change only if the vehicle's ETag is one of these (else 412); `*` or none: always"
)


async def require_json(request: Request) -> None:
    # Runs before the body is validated: a form post gets this, not a list of missing fields.
    content_type = media_type(request)
    if content_type != JSON and not content_type.endswith("+json"):
        raise HTTPException(415, "Content-Type must be application/json.")


def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()
