"""The error answers of each route in the OpenAPI document: schema, example, headers."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from shared.api.app import INTERNAL, JSON, TOO_LARGE, UNAVAILABLE


class ErrorDetail(BaseModel):
    """Every error a client sees has this shape (422 uses FastAPI's list of field errors)."""

    model_config = ConfigDict(defer_build=True)  # it only describes the answers in OpenAPI

    detail: str


_EXAMPLES: dict[int, tuple[str, str]] = {
    400: ("Malformed JSON", "Malformed JSON: Expecting value (at character 0)."),
    401: ("Missing or invalid credentials", "Token expired."),
    403: (
        "Valid credentials, not allowed (a role, a key's scope, or its dealer scope)",
        "This API key lacks the write scope.",
    ),
    404: ("Not found", "Vehicle not found."),
    409: ("Duplicate VIN", "Vehicle with this VIN already exists."),
    412: ("Changed since read (ETag)", "The vehicle has changed since that ETag was read."),
    413: ("Body too large", TOO_LARGE),
    415: ("Not JSON", "Content-Type must be application/json."),
    500: ("Unexpected error", INTERNAL),
    503: ("Database unavailable", UNAVAILABLE),
}


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for these error status codes, with their schema and an example."""
    documented: dict[int | str, dict[str, Any]] = {}
    for code in codes:
        summary, detail = _EXAMPLES[code]
        documented[code] = {
            "model": ErrorDetail,
            "description": summary,
            "content": {JSON: {"example": {"detail": detail}}},
        }
        if code == 412:
            documented[code]["headers"] = {
                "ETag": {"description": "the current ETag", "schema": {"type": "string"}}
            }
        if code == 503:
            documented[code]["headers"] = {
                "Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}}
            }
        if code in (401, 403):
            documented[code]["headers"] = {
                "WWW-Authenticate": {
                    "description": 'RFC 6750: `Bearer realm=..., error="invalid_token"`',
                    "schema": {"type": "string"},
                }
            }
    return documented
