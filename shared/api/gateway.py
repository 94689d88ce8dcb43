"""API Gateway events to ASGI: Mangum, plus the stage prefix HTTP API puts in the path."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import cached_property
from typing import Any

from fastapi import FastAPI
from mangum.handlers import APIGateway, HTTPGateway
from mangum.types import LambdaConfig, LambdaContext, LambdaEvent, Scope

from shared.api.direct import DirectRoutes, event_body
from shared.api.eager import EagerMangum
from shared.ops import telemetry


def lambda_handler(
    app: FastAPI, *, direct: bool = True
) -> Callable[[LambdaEvent, Any], dict[str, Any]]:
    """`app` as an instrumented Lambda handler for API Gateway HTTP (v2) and REST (v1) events:
    request-scoped log keys and metrics, and one access line per request. Plainly valid
    requests are answered from the event (`shared.api.direct`) unless `direct=False`."""
    mangum = EagerMangum(app, lifespan="off", custom_handlers=[_HttpApiEvent, _RestApiEvent])
    answer = DirectRoutes(app, mangum.config) if direct else None

    @telemetry.instrument
    def handler(event: LambdaEvent, context: Any) -> dict[str, Any]:
        started = time.perf_counter()
        status = 500  # what the client gets if Mangum itself fails
        try:
            response = answer(event) if answer is not None else None
            if response is None:
                response = mangum(event, context)
            status = response["statusCode"]
            return response
        finally:
            method, route = _route(event)
            elapsed_ms = (time.perf_counter() - started) * 1000
            telemetry.log_access(method, route, status, elapsed_ms)

    return handler


def _route(event: LambdaEvent) -> tuple[str, str]:
    """Method and route template (`/api/vehicles/{vin}`), as API Gateway matched them: a
    template, not the raw path, so metrics by route stay few."""
    if "routeKey" in event and " " in event["routeKey"]:  # HTTP API: "GET /api/vehicles/{vin}"
        method, route = event["routeKey"].split(" ", 1)
        return method, route
    context = event.get("requestContext") or {}
    method = event.get("httpMethod") or context.get("http", {}).get("method", "?")
    return str(method), str(event.get("resource") or "$default")


class _RestApiEvent(APIGateway):
    """REST API (v1) events, with the body of `event_body`."""

    @property
    def body(self) -> bytes:
        return event_body(self.event)


class _HttpApiEvent(HTTPGateway):
    """HTTP API (v2) events, with a named stage's path prefix moved into the ASGI `root_path`.

    On the default endpoint of a named stage, API Gateway sends `rawPath` and
    `requestContext.http.path` as `/dev/api/vehicles`; with `root_path="/dev"` the routes match
    and /docs points the browser at /dev/openapi.json. REST API (v1) events carry `path`
    without the stage already, so Mangum's own handlers serve them unchanged.
    """

    @classmethod
    def infer(
        cls,
        event: LambdaEvent,
        context: LambdaContext,  # noqa: ARG003 - Mangum's signature
        config: LambdaConfig,  # noqa: ARG003
    ) -> bool:
        return event.get("version") == "2.0" and "requestContext" in event

    @cached_property
    def scope(self) -> Scope:  # Mangum's is a property, computed on every access
        scope: Scope = super().scope
        stage = self.event["requestContext"].get("stage") or "$default"
        if stage != "$default" and scope["path"].startswith(f"/{stage}/"):
            scope["root_path"] = f"/{stage}"
        return scope

    @property
    def body(self) -> bytes:
        return event_body(self.event)
