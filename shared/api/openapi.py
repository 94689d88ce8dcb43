"""The docs function: the OpenAPI document stored beside this module (`openapi.json`), and the
whole API for what no other function's route matches.

Generating the document takes every route built and every answer model's schema: about 110 ms
of CPU at the docs function's init and 130 ms more on its first /openapi.json (docs/performance.md,
round 4). The function serves /docs, /redoc and /openapi.json from an app of those three routes
alone, whose `openapi()` returns the stored document (FastAPI's documented way to serve one of
your own), so the stage's `servers` entry and the bytes are FastAPI's as before. Anything else
reaching the function (API Gateway's `*` route: unknown paths and methods) is answered by the
whole API, built on the first such request. `make openapi` rewrites the file from the app;
`tests/test_openapi.py` fails when it differs from what the app generates.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from mangum.types import LambdaEvent
from starlette._utils import get_route_path

from shared.api.app import create_app
from shared.api.direct import scope_of
from shared.api.gateway import lambda_handler

STORED = Path(__file__).with_name("openapi.json")
OPENAPI_URL = "/openapi.json"
DOCS_PATHS = frozenset({"/docs", "/redoc", OPENAPI_URL})
Handler = Callable[[LambdaEvent, Any], dict[str, Any]]


@cache
def whole_api() -> FastAPI:
    """Every route, with /docs, /redoc and /openapi.json generated from them: what `uvicorn
    functions.docs:app` serves, and what the stored document is generated from."""
    from shared.api.routes import all_routers  # noqa: PLC0415 - every endpoint: only when asked

    return create_app(*all_routers(), docs=True)


def docs_app() -> FastAPI:
    """/docs, /redoc and /openapi.json, the document read from `STORED` on its first request."""
    app = create_app(docs=True)
    app.openapi = stored  # type: ignore[method-assign] # FastAPI's hook for a custom document
    return app


@cache
def stored() -> dict[str, Any]:
    """The stored document (FastAPI's /openapi.json route adds a named stage's `servers`)."""
    document: dict[str, Any] = json.loads(STORED.read_text(encoding="utf-8"))
    return document


def docs_handler() -> Handler:
    """The docs function's handler: the docs pages and the stored document from `docs_app`,
    every other request from the whole API (built on the first of them)."""
    pages = lambda_handler(docs_app())
    whole = cache(lambda: lambda_handler(whole_api()))

    def handler(event: LambdaEvent, context: Any) -> dict[str, Any]:
        answer = pages if _route_path(event) in DOCS_PATHS else whole()
        return answer(event, context)

    return handler


def _route_path(event: LambdaEvent) -> str | None:
    """The path the app would route `event` by (without a named stage's prefix), or None for
    an event the whole API is left to read."""
    if not isinstance(event, dict) or "requestContext" not in event:
        return None
    scope = scope_of(event, v2=event.get("version") == "2.0")
    return None if scope is None else get_route_path(scope)


def rendered(document: dict[str, Any]) -> str:
    """The stored file's text: indented, so a change to the API is a readable diff."""
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def main() -> None:
    """Write the document the whole API generates to `STORED` (`make openapi`)."""
    STORED.write_text(rendered(whole_api().openapi()), encoding="utf-8")
    print(f"wrote {STORED}")


if __name__ == "__main__":
    main()
