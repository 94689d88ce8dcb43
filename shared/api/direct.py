"""Plainly valid requests answered straight from the API Gateway event; the rest through Mangum.

Past FastAPI's per-request solving (`shared.api.fast_route`), a by-VIN GET still spent about
100 us of CPU in layers it does not need: Mangum's scope and cycle, Starlette's middleware
(errors, CORS, our guard, exceptions), FastAPI's router (docs/performance.md). `DirectRoutes`
does for a route with a fast path what those layers would: it reads the request from the event
as Mangum does, picks the route Starlette would pick, runs the fast path and the endpoint, maps
errors as the app does, adds the headers the middleware adds (CORS, `nosniff`) and shapes the
answer as Mangum shapes it. The caller keeps the rest: log keys, metrics, the access line.

Anything else gets None before anything has run, for Mangum and FastAPI to answer: another
route, method or event shape, a preflight, a body over the limit or unlike its Content-Length,
overridden dependencies, what the fast path declines (not plainly valid, `AUTH_READ=on`).
`tests/test_direct.py` compares both answers byte for byte.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Iterator
from functools import cached_property
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.routing import APIRoute
from mangum.handlers.api_gateway import (
    _combine_headers_v2,
    _encode_query_string_for_apigw,
    _handle_multi_value_headers_for_request,
)
from mangum.handlers.utils import (
    handle_base64_response_body,
    handle_exclude_headers,
    handle_multi_value_headers,
    strip_api_gateway_path,
)
from mangum.types import LambdaConfig, LambdaEvent
from starlette._utils import get_route_path
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import BaseRoute
from starlette.types import Message

from shared.api import cors, eager
from shared.api.app import MAX_BODY_BYTES, app_error, internal_error
from shared.api.fast_route import Endpoint, FastPath, fast_path_of
from shared.errors import AppError

Header = tuple[bytes, bytes]
_NOSNIFF = (b"x-content-type-options", b"nosniff")


def event_body(event: LambdaEvent) -> bytes:
    """The body as bytes. Lone surrogates in a text body (no UTF-8 can carry them) are passed on
    for validation to refuse with a 422: Mangum's `encode()` raised, failing the invocation."""
    body = event.get("body") or b""
    if event.get("isBase64Encoded"):
        return base64.b64decode(body)
    return body.encode("utf-8", "surrogatepass") if isinstance(body, str) else bytes(body)


class DirectRoutes:
    """The direct answers of `app`'s routes that have a fast path, for events Mangum would read
    with `config` (HTTP API v2 with the stage in `root_path`, REST API v1)."""

    def __init__(self, app: FastAPI, config: LambdaConfig) -> None:
        self._app = app
        self._config = config
        routes = [*_flat(app.router.routes), None]
        self._routes: list[APIRoute] = routes[: routes.index(None)]  # type: ignore[assignment]
        if not any(fast_path_of(route) for route in self._routes):  # docs: Mangum's alone
            self._routes = []

    def __call__(self, event: LambdaEvent) -> dict[str, Any] | None:
        """The API Gateway answer to `event`, or None: Mangum's to give."""
        v2 = event.get("version") == "2.0"
        readable = (v2 or "resource" in event) and "requestContext" in event  # as Mangum infers
        if not self._routes or self._app.dependency_overrides or not readable:
            return None
        scope = scope_of(event, v2=v2)
        chosen = None if scope is None else self._choose(scope)
        body = event_body(event)
        if scope is None or chosen is None or not _body_fits(scope["headers"], body):
            return None  # not ours, or the guard's 413 or 400: the app's to give
        request = Request(scope, _receive(body))
        answer = eager.run(_answer(request, *chosen))
        return None if answer is None else self._shape(answer, request, v2=v2)

    def _choose(self, scope: dict[str, Any]) -> tuple[FastPath, Endpoint] | None:
        """The route Starlette would serve (the first whose path and method match), if it has a
        fast path; its path parameters go into `scope`."""
        if scope["method"] not in ("GET", "POST", "PATCH", "DELETE"):
            return None
        path = get_route_path(scope)
        for route in self._routes:
            match = route.path_regex.match(path)
            if match is None or scope["method"] not in (route.methods or ()):
                continue
            arguments = fast_path_of(route)
            if arguments is None:
                return None
            found = match.groupdict()
            scope["path_params"] = {
                k: route.param_convertors[k].convert(v) for k, v in found.items()
            }
            return arguments, route.endpoint
        return None

    def _shape(self, answer: Response, request: Request, *, v2: bool) -> dict[str, Any]:
        """The answer as the middleware would pass it on and Mangum would return it."""
        raw: Any = self._with_cors(list(answer.raw_headers), request.headers.get("origin"))
        raw.append(_NOSNIFF)  # last, as the outermost layer adds it
        config, content = self._config, bytes(answer.body)
        if v2:
            headers, cookies = _combine_headers_v2(raw)
            if "content-type" not in headers:
                headers["content-type"] = "application/json"
            body, encoded = handle_base64_response_body(content, headers, config["text_mime_types"])
            shaped = {
                "statusCode": answer.status_code,
                "body": body,
                "headers": headers or None,
                "cookies": cookies or None,
                "isBase64Encoded": encoded,
            }
            return {key: value for key, value in shaped.items() if value is not None}
        headers, multi = handle_multi_value_headers(raw)
        body, encoded = handle_base64_response_body(content, headers, config["text_mime_types"])
        return {
            "statusCode": answer.status_code,
            "headers": handle_exclude_headers(headers, config),
            "multiValueHeaders": handle_exclude_headers(multi, config),
            "body": body,
            "isBase64Encoded": encoded,
        }

    @cached_property
    def _cors(self) -> CORSMiddleware:
        """The app's CORS policy (built on first use: it reads the settings)."""
        built = cors.middleware(self._app)
        if isinstance(built, CORSMiddleware):
            return built
        raise TypeError(f"CORS is {type(built).__name__}, not Starlette's")

    def _with_cors(self, headers: list[Header], origin: str | None) -> list[Header]:
        """`headers` as Starlette's CORSMiddleware changes a simple (not preflight) answer's."""
        policy = self._cors
        if origin is not None:
            for name, value in policy.simple_headers.items():
                _set(headers, name, value)
        if origin is not None and (
            (policy.allow_all_origins and policy.allow_credentials)
            or (not policy.allow_all_origins and policy.is_allowed_origin(origin=origin))
        ):
            _set(headers, "access-control-allow-origin", origin)
        vary = [value.decode("latin-1") for name, value in headers if name == b"vary"]
        _set(headers, "vary", ", ".join([*vary, "Origin"]))
        return headers


def _set(headers: list[Header], name: str, value: str) -> None:
    """`MutableHeaders.__setitem__`: the first `name` takes `value`, later ones go; else added."""
    key, encoded = name.lower().encode("latin-1"), value.encode("latin-1")
    found = [index for index, (item, _) in enumerate(headers) if item == key]
    for index in reversed(found[1:]):
        del headers[index]
    if found:
        headers[found[0]] = (key, encoded)
    else:
        headers.append((key, encoded))


async def _answer(request: Request, arguments: FastPath, endpoint: Endpoint) -> Response | None:
    """The endpoint's answer, or None if the fast path declines (before anything has run)."""
    try:
        values = await arguments(request)
        if values is None:
            return None
        return await endpoint(**values)
    except AppError as err:
        return await app_error(request, err)
    except Exception:  # noqa: BLE001 - the guard's 500, logged as it logs it
        return internal_error(request.method, request.scope["path"])


def scope_of(event: LambdaEvent, *, v2: bool) -> dict[str, Any] | None:
    """The parts of Mangum's ASGI scope our routes read, or None for an event to leave to it."""
    context = event["requestContext"]
    if not isinstance(context, dict):
        return None
    if v2:
        headers = event.get("headers", {})
        http = context.get("http")
        if not isinstance(headers, dict) or not isinstance(http, dict):
            return None
        headers = {k.lower(): v for k, v in headers.items()}
        if event.get("cookies"):
            headers["cookie"] = "; ".join(event["cookies"])
        method, path = http.get("method"), http.get("path")
        query = event.get("rawQueryString", "")
        if not isinstance(query, str):
            return None
        query_string = query.encode()
    else:
        headers = _handle_multi_value_headers_for_request(event)
        method, path = event.get("httpMethod"), event.get("path")
        query_string = _encode_query_string_for_apigw(event)
    if not isinstance(method, str) or not isinstance(path, str):
        return None
    if not all(isinstance(value, str) for value in headers.values()):
        return None
    path = strip_api_gateway_path(path, api_gateway_base_path="/")
    root_path = ""
    stage = (context.get("stage") or "$default") if v2 else "$default"
    if stage != "$default" and path.startswith(f"/{stage}/"):  # as shared.api.gateway does
        root_path = f"/{stage}"
    return {
        "type": "http",
        "method": method,
        "headers": [(k.encode(), v.encode()) for k, v in headers.items()],
        "path": path,
        "root_path": root_path,
        "query_string": query_string,
        "scheme": headers.get("x-forwarded-proto", "https"),
    }


def _body_fits(headers: Iterable[Header], body: bytes) -> bool:
    """No 413 or 400 from the guard: a declared length within the limit that the body has."""
    for name, value in headers:
        if name == b"content-length" and value.isdigit():
            return int(value) <= MAX_BODY_BYTES and int(value) == len(body)
    return len(body) <= MAX_BODY_BYTES


def _receive(body: bytes) -> Any:
    async def receive() -> Message:  # the whole body at once, as Mangum's cycle gives it
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


def _flat(routes: Iterable[BaseRoute]) -> Iterator[APIRoute | None]:
    """The routes in order, through included routers; None for another kind (ends the list)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif (router := getattr(route, "original_router", None)) is not None:
            yield from _flat(router.routes)
        else:
            yield None
