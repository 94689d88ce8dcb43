"""The HTTP layer every function shares: app factory, error mapping, body-size limit (CORS and
`nosniff`: `shared.api.cors`).

Every error a client sees is JSON with a `detail`. Domain errors become HTTP here and nowhere
else; anything unexpected is a 500 whose details go to the log only.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Iterator
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException
from starlette.routing import BaseRoute, Match, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.api import compat, cors
from shared.api.docs_pages import add_docs_pages
from shared.api.routers import attach, own_routes
from shared.errors import (
    AppError,
    AuthenticationError,
    AuthUnavailableError,
    BadRequestError,
    ConflictError,
    DatabaseUnavailableError,
    NotFoundError,
    PermissionDeniedError,
    PreconditionFailedError,
)

logger = logging.getLogger(__name__)
# Every router module imports this one before it builds a route: FastAPI's pydantic.v1 check
# from then on imports nothing (shared.api.compat).
compat.install()

JSON = "application/json"
MAX_BODY_BYTES = 1024 * 1024
RETRY_AFTER_SECONDS = "5"
REALM = 'Bearer realm="vehicle-inventory"'

TOO_LARGE = f"Request body is larger than {MAX_BODY_BYTES // (1024 * 1024)} MB."
UNAVAILABLE = "Database unavailable."
INTERNAL = "Internal server error."
AUTH_UNAVAILABLE = "Sign-in keys unavailable; try again shortly."
ALTERED = "Request body does not match its Content-Length: was it valid UTF-8?"
_STATUS_OF: dict[type[AppError], int] = {
    BadRequestError: 400,
    NotFoundError: 404,
    ConflictError: 409,
    PreconditionFailedError: 412,
}


def create_app(*routers: APIRouter, docs: bool = False) -> FastAPI:
    """An app serving `routers`; `docs=True` also serves /docs, /redoc and /openapi.json.
    The routes of routers from `new_router` are the app's own (`shared.api.routers`)."""
    app = FastAPI(
        title="Vehicle inventory API",
        version="1.0.0",
        docs_url=None,  # pinned, hashed pages instead: shared.api.docs_pages
        redoc_url=None,
        openapi_url="/openapi.json" if docs else None,
        redirect_slashes=False,  # /api/vehicles/ is a route of its own, never a redirect
        # Our traces, metrics and logs go through Powertools (X-Ray, EMF); FastAPI's native
        # OpenTelemetry would otherwise look up its providers on every request.
        telemetry={"tracing": False, "metrics": False, "logs": False},
        routes=own_routes(routers),
    )
    if docs:
        add_docs_pages(app, "/openapi.json")
    attach(app, routers)
    app.add_exception_handler(AppError, app_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(405, _method_not_allowed)
    # Each middleware layer costs time on every request: only these two. The last added is the
    # outermost, so CORS headers also go on the 413 and 500 answers of the guard.
    app.add_middleware(_Guard)
    app.add_middleware(cors.middleware)
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


async def app_error(request: Request, exc: Exception) -> Response:  # noqa: PLR0911 - one per error
    """The answer to a domain error (`shared.errors`): the one place they become HTTP."""
    if isinstance(exc, AuthenticationError):
        return error_response(401, str(exc), {"WWW-Authenticate": _challenge(exc.error, exc)})
    if isinstance(exc, PermissionDeniedError):
        challenge = _challenge("insufficient_scope", exc)
        return error_response(403, str(exc), {"WWW-Authenticate": challenge})
    if isinstance(exc, AuthUnavailableError):
        logger.error("sign-in keys unavailable: %s", exc, exc_info=exc)
        return error_response(503, AUTH_UNAVAILABLE, {"Retry-After": RETRY_AFTER_SECONDS})
    if isinstance(exc, DatabaseUnavailableError):
        logger.error("database unavailable: %s", exc, exc_info=exc)
        return error_response(503, UNAVAILABLE, {"Retry-After": RETRY_AFTER_SECONDS})
    if isinstance(exc, PreconditionFailedError):
        return error_response(412, str(exc), {"ETag": exc.etag})
    status_code = next((code for cls, code in _STATUS_OF.items() if isinstance(exc, cls)), None)
    if status_code is None:  # ConfigurationError and the like: our fault, not the client's
        logger.error("%s %s failed", request.method, request.url.path, exc_info=exc)
        return error_response(500, INTERNAL)
    return error_response(status_code, str(exc))


async def _invalid_request(request: Request, exc: Exception) -> Response:  # noqa: ARG001
    if not isinstance(exc, RequestValidationError):  # registered for that class alone
        raise exc
    for error in exc.errors():
        if error.get("type") == "json_invalid":
            reason = error.get("ctx", {}).get("error", "not JSON")
            position = error["loc"][-1]
            return error_response(400, f"Malformed JSON: {reason} (at character {position}).")
    errors = jsonable_encoder(exc.errors())
    for error in errors:
        error["msg"] = error["msg"].removeprefix("Value error, ")  # a sentence, as the seed says
    return JSONResponse({"detail": _encodable(errors)}, 422)


def _encodable(value: Any) -> Any:
    """`value` with what JSON cannot carry made printable: the inputs a 422 echoes may hold NaN,
    Infinity (`1e400`) or lone surrogates (`"\\ud800"`), which Python's JSON parser accepts."""
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode()
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else f"{'-' if value < 0 else ''}Infinity"
    if isinstance(value, dict):
        return {_encodable(key): _encodable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_encodable(item) for item in value]
    return value


async def _method_not_allowed(request: Request, exc: Exception) -> Response:
    """405 whose `Allow` names every method of the path: Starlette names those of the first
    route that matched, and GET and POST /api/vehicles are two routes. (Deployed, an unrouted
    method reaches the docs function, which has every route; a function knows only its own.)"""
    allowed: set[str] = set()
    for route in _flat(request.app.router.routes):
        if route.methods and route.matches(request.scope)[0] is not Match.NONE:
            allowed |= route.methods
    detail = exc.detail if isinstance(exc, HTTPException) else "Method Not Allowed"
    return error_response(405, detail, {"Allow": ", ".join(sorted(allowed))})


def _flat(routes: Iterable[BaseRoute]) -> Iterator[Route]:
    """The routes of an app, through FastAPI's included routers (ours have no path prefix)."""
    for route in routes:
        if isinstance(route, Route):
            yield route
        elif (router := getattr(route, "original_router", None)) is not None:
            yield from _flat(router.routes)


def _challenge(error: str | None, exc: Exception) -> str:
    """The `WWW-Authenticate` value (RFC 6750 section 3): no error code when none was sent."""
    if error is None:
        return REALM
    description = str(exc).replace("\\", "").replace('"', "'")
    return f'{REALM}, error="{error}", error_description="{description}"'


class _Guard:
    """Rejects bodies over the limit with 413 and turns anything unexpected into a JSON 500."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = None
        for name, value in scope["headers"]:
            if name == b"content-length" and value.isdigit():
                declared = int(value)
                if declared > MAX_BODY_BYTES:
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
            if declared is not None and not message.get("more_body") and received != declared:
                # Only an event can do this (uvicorn enforces Content-Length): serverless-offline
                # decodes a JSON body as UTF-8, so invalid bytes arrive as U+FFFD, longer.
                raise HTTPException(400, ALTERED)
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracked_send)
        except Exception:
            answer = internal_error(scope["method"], scope["path"])
            if started:
                raise
            await answer(scope, receive, send)


def internal_error(method: str, path: str) -> Response:
    """Log the exception being handled; the client gets a JSON 500 without its details."""
    logger.exception("%s %s failed", method, path)
    return error_response(500, INTERNAL)
