"""CORS, declared once: `cors.json` beside this module is read here and by serverless.yml
(`custom.cors`), which configures API Gateway's CORS and serverless-offline's the same way.
Origins come from `CORS_ORIGINS` on both sides. Also adds `X-Content-Type-Options: nosniff` to
every answer, being the outermost layer.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.ops.settings import get_settings

POLICY_FILE = Path(__file__).with_name("cors.json")
_BODY_HEADERS = {"content-length", "content-type"}
_NOSNIFF = (b"x-content-type-options", b"nosniff")


@cache
def policy() -> dict[str, Any]:
    """The CORS declaration: allowedMethods, allowedHeaders, exposedResponseHeaders, maxAge."""
    declared: dict[str, Any] = json.loads(POLICY_FILE.read_text())
    return declared


def middleware(app: ASGIApp) -> ASGIApp:
    """`app` behind CORS; built on the first request, not at import (importing reads nothing)."""
    declared = policy()
    return _Cors(
        app,
        allow_origins=get_settings().cors_origins,
        allow_methods=declared["allowedMethods"],
        allow_headers=declared["allowedHeaders"],
        expose_headers=declared["exposedResponseHeaders"],
        max_age=declared["maxAge"],
    )


class _Cors(CORSMiddleware):
    """Starlette's CORS, with a refused preflight answered in JSON like every other error."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def nosniff(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), _NOSNIFF]
            await send(message)

        await super().__call__(scope, receive, nosniff if scope["type"] == "http" else send)

    def preflight_response(self, request_headers: Headers) -> Response:
        answer = super().preflight_response(request_headers)
        if answer.status_code < 400:
            return answer
        headers = {k: v for k, v in answer.headers.items() if k not in _BODY_HEADERS}
        detail = f"{bytes(answer.body).decode()}."
        return JSONResponse({"detail": detail}, answer.status_code, headers)
