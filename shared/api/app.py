"""The HTTP layer every function shares: app factory, error mapping, CORS, body-size limit.

Every error a client sees is JSON with a `detail`. Domain errors become HTTP here and nowhere
else; anything unexpected is a 500 whose details go to the log only.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.api.schemas import ErrorDetail
from shared.errors import (
    AppError,
    BadRequestError,
    ConflictError,
    DatabaseUnavailableError,
    NotFoundError,
)
from shared.ops.settings import get_settings

logger = logging.getLogger(__name__)

JSON = "application/json"
MAX_BODY_BYTES = 1024 * 1024
RETRY_AFTER_SECONDS = "5"
# Keep in step with `custom.cors` in serverless.yml, which configures API Gateway the same way.
CORS_METHODS = ("GET", "POST", "OPTIONS")
CORS_HEADERS = ("Content-Type", "Authorization")
CORS_MAX_AGE = 600

TOO_LARGE = f"Request body is larger than {MAX_BODY_BYTES // (1024 * 1024)} MB."
UNAVAILABLE = "Database unavailable."
INTERNAL = "Internal server error."
_BODY_HEADERS = {"content-length", "content-type"}
_STATUS_OF: dict[type[AppError], int] = {
    BadRequestError: 400,
    NotFoundError: 404,
    ConflictError: 409,
}
_EXAMPLES: dict[int, tuple[str, str]] = {
    400: ("Malformed JSON", "Malformed JSON: Expecting value (at character 0)."),
    404: ("Not found", "Vehicle not found."),
    409: ("Duplicate VIN", "Vehicle with this VIN already exists."),
    413: ("Body too large", TOO_LARGE),
    415: ("Not JSON", "Content-Type must be application/json."),
    500: ("Unexpected error", INTERNAL),
    503: ("Database unavailable", UNAVAILABLE),
}


def create_app(*routers: APIRouter, docs: bool = False) -> FastAPI:
    """An app serving `routers`; `docs=True` also serves /docs, /redoc and /openapi.json."""
    app = FastAPI(
        title="Vehicle inventory API",
        version="1.0.0",
        docs_url="/docs" if docs else None,
        redoc_url="/redoc" if docs else None,
        openapi_url="/openapi.json" if docs else None,
        redirect_slashes=False,  # /api/vehicles/ is a route of its own, never a redirect
        # Our traces, metrics and logs go through Powertools (X-Ray, EMF); FastAPI's native
        # OpenTelemetry would otherwise look up its providers on every request.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    for router in routers:
        app.include_router(router)
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    # Each middleware layer costs time on every request: only these two. The last added is the
    # outermost, so CORS headers also go on the 413 and 500 answers of the guard.
    app.add_middleware(_Guard)
    app.add_middleware(_cors)
    return app


def json_response(
    body: str, status_code: int = 200, headers: dict[str, str] | None = None
) -> Response:
    """A response whose body is JSON text already (rendered by Postgres)."""
    return Response(body, status_code, headers, media_type=JSON)


def error_response(
    status_code: int, detail: str, headers: dict[str, str] | None = None
) -> Response:
    """The one shape of every error: `{"detail": "..."}`."""
    return JSONResponse({"detail": detail}, status_code, headers)


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
        if code == 503:
            documented[code]["headers"] = {
                "Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}}
            }
    return documented


async def _app_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, DatabaseUnavailableError):
        logger.error("database unavailable: %s", exc, exc_info=exc)
        return error_response(503, UNAVAILABLE, {"Retry-After": RETRY_AFTER_SECONDS})
    status_code = next((code for cls, code in _STATUS_OF.items() if isinstance(exc, cls)), None)
    if status_code is None:  # ConfigurationError and the like: our fault, not the client's
        logger.error("%s %s failed", request.method, request.url.path, exc_info=exc)
        return error_response(500, INTERNAL)
    return error_response(status_code, str(exc))


async def _invalid_request(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, RequestValidationError):  # registered for that class alone
        raise exc
    for error in exc.errors():
        if error.get("type") == "json_invalid":
            reason = error.get("ctx", {}).get("error", "not JSON")
            position = error["loc"][-1]
            return error_response(400, f"Malformed JSON: {reason} (at character {position}).")
    return await request_validation_exception_handler(request, exc)


def _cors(app: ASGIApp) -> ASGIApp:
    # Built on the first request, not at import: importing a handler reads nothing.
    return _Cors(
        app,
        allow_origins=get_settings().cors_origins,
        allow_methods=CORS_METHODS,
        allow_headers=CORS_HEADERS,
        expose_headers=("Location", "Retry-After"),
        max_age=CORS_MAX_AGE,
    )


class _Cors(CORSMiddleware):
    """Starlette's CORS, with a refused preflight answered in JSON like every other error."""

    def preflight_response(self, request_headers: Headers) -> Response:
        answer = super().preflight_response(request_headers)
        if answer.status_code < 400:
            return answer
        headers = {k: v for k, v in answer.headers.items() if k not in _BODY_HEADERS}
        return error_response(answer.status_code, f"{bytes(answer.body).decode()}.", headers)


class _Guard:
    """Rejects bodies over the limit with 413 and turns anything unexpected into a JSON 500."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"content-length" and value.isdigit() and int(value) > MAX_BODY_BYTES:
                await error_response(413, TOO_LARGE)(scope, receive, send)
                return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > MAX_BODY_BYTES:  # no or a false Content-Length: count the bytes
                raise HTTPException(413, TOO_LARGE)  # FastAPI answers it as it is
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracked_send)
        except Exception:
            logger.exception("%s %s failed", scope["method"], scope["path"])
            if started:
                raise
            await error_response(500, INTERNAL)(scope, receive, send)
