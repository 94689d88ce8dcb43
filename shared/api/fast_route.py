"""A route class that serves a plainly valid request without FastAPI's per-request solving.

FastAPI's request handler (dependency solving, parameter validation, two exit stacks) costs
about 90 us of CPU a request here, more than the rest of the HTTP layer together. An endpoint
may register a fast path with `fast_path`: a function that reads its arguments from the request
when they are plainly valid (a VIN in the path, page numbers of digits within their bounds, a
JSON body its model accepts), or returns None. Anything else (a missing, malformed or
out-of-range value, a body that does not validate, overridden dependencies) goes to FastAPI's
own handler, so every error a client sees is FastAPI's, word for word, and the OpenAPI
document is FastAPI's too.

A route with a dependency its fast path does not name (authentication, say) always takes
FastAPI's path. Dependencies given to `include_router` or `FastAPI(dependencies=...)` are not
seen here: `shared.api.app.create_app` includes routers without any.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

Arguments = dict[str, Any]
FastPath = Callable[[Request], Awaitable[Arguments | None]]
Endpoint = Callable[..., Awaitable[Response]]

_FAST_PATHS: dict[Callable[..., Any], tuple[FastPath, frozenset[Callable[..., Any]]]] = {}


def fast_path(
    endpoint: Endpoint, *, dependencies: tuple[Callable[..., Any], ...] = ()
) -> Callable[[FastPath], FastPath]:
    """Register the decorated function as `endpoint`'s fast path; `dependencies` are the
    route dependencies it checks itself (it must return None where they would refuse)."""

    def register(arguments: FastPath) -> FastPath:
        _FAST_PATHS[endpoint] = (arguments, frozenset(dependencies))
        return arguments

    return register


def fast_path_of(route: APIRoute) -> FastPath | None:
    """The fast path `route` takes, if any: a FastPathRoute whose endpoint registered one, and
    no dependency the fast path does not name (FastAPI runs such a route's every request)."""
    entry = _FAST_PATHS.get(route.endpoint)
    if not isinstance(route, FastPathRoute) or entry is None:
        return None
    arguments, known = entry
    if any(dependency.call not in known for dependency in route.dependant.dependencies):
        return None
    return arguments


class FastPathRoute(APIRoute):
    """An APIRoute that calls its endpoint directly when its fast path accepts the request."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        full = super().get_route_handler()
        arguments = fast_path_of(self)
        if arguments is None:
            return full
        endpoint: Endpoint = self.endpoint

        async def handle(request: Request) -> Response:
            if not request.app.dependency_overrides:
                values = await arguments(request)
                if values is not None:
                    return await endpoint(**values)
            return await full(request)

        return handle
