"""API Gateway events for tests and benchmarks: captured JSON files under tests/events/.

`http_api_event` (payload v2, what serverless.yml's `httpApi` delivers) and `rest_api_event`
(payload v1) start from a captured event and change only the request line, headers and body;
`invoke` calls a Lambda handler with one and reads its answer.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

# Read from the work tree: shared/dev is local-only (never packaged), like the tests themselves.
EVENTS_DIR = Path(__file__).resolve().parents[2] / "tests" / "events"
Event = dict[str, Any]
Handler = Callable[[Event, Any], dict[str, Any]]


def load_event(name: str) -> Event:
    """The captured event `tests/events/<name>.json`, as a fresh dict."""
    event: Event = json.loads((EVENTS_DIR / f"{name}.json").read_text())
    return event


def http_api_event(
    method: str = "GET",
    path: str = "/api/vehicles",
    *,
    query: str = "",
    body: str | bytes | None = None,
    headers: dict[str, str] | None = None,
    stage: str = "$default",
    base64_body: bool = False,
) -> Event:
    """An HTTP API (payload v2) event for this request; a named `stage` prefixes the path."""
    event = load_event("http_api_get" if method == "GET" else "http_api_post")
    raw_path = path if stage == "$default" else f"/{stage}{path}"
    event["rawPath"] = event["requestContext"]["http"]["path"] = raw_path
    event["requestContext"]["http"]["method"] = method
    event["requestContext"]["stage"] = stage
    event["routeKey"] = event["requestContext"]["routeKey"] = f"{method} {route_template(path)}"
    event["rawQueryString"] = query
    event["queryStringParameters"] = {k: ",".join(v) for k, v in parse_qs(query).items()} or None
    event["headers"].update({name.lower(): value for name, value in (headers or {}).items()})
    _set_body(event, body, base64_body=base64_body)
    return event


def route_template(path: str) -> str:
    """The route API Gateway matches `path` to, as serverless.yml declares the routes."""
    if path.startswith("/api/vehicles/") and path.rstrip("/") != "/api/vehicles":
        return "/api/vehicles/{vin}"
    return path


def rest_api_event(
    method: str = "GET", path: str = "/api/vehicles", *, stage: str = "dev"
) -> Event:
    """A REST API (payload v1) event: `path` comes without the stage, as API Gateway sends it."""
    event = load_event("rest_api_get")
    event["path"] = path
    event["resource"] = route_template(path)
    event["httpMethod"] = event["requestContext"]["httpMethod"] = method
    event["requestContext"]["path"] = f"/{stage}{path}"
    event["requestContext"]["stage"] = stage
    return event


def _set_body(event: Event, body: str | bytes | None, *, base64_body: bool) -> None:
    if body is None:
        if event.get("body") is not None:
            event["headers"]["content-length"] = str(len(event["body"].encode()))
        return
    raw = body.encode() if isinstance(body, str) else body
    event["headers"]["content-length"] = str(len(raw))
    event["body"] = base64.b64encode(raw).decode() if base64_body else raw.decode()
    event["isBase64Encoded"] = base64_body


@dataclass(frozen=True)
class Reply:
    """What a handler answered: status, headers (lower-case names) and body text."""

    status: int
    headers: dict[str, str]
    body: str

    def json(self) -> Any:
        if not self.headers.get("content-type", "").startswith("application/json"):
            raise AssertionError(f"not a JSON answer: {self.headers}")
        return json.loads(self.body)


@dataclass(frozen=True)
class LambdaContext:
    """The fields of the Lambda context object our code may read."""

    function_name: str = "vehicle-inventory-dev-test"
    function_version: str = "$LATEST"
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:test"
    memory_limit_in_mb: int = 512
    aws_request_id: str = "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"
    log_group_name: str = "/aws/lambda/test"
    log_stream_name: str = "2024/03/12/[$LATEST]abcdef"

    def get_remaining_time_in_millis(self) -> int:
        return 10_000


def invoke(handler: Handler, event: Event) -> Reply:
    """Call a Lambda handler as the Lambda runtime would, and read its answer (v1 or v2)."""
    answer = handler(event, LambdaContext())
    headers = {name.lower(): value for name, value in (answer.get("headers") or {}).items()}
    for name, values in (answer.get("multiValueHeaders") or {}).items():
        headers[name.lower()] = ",".join(values)
    body = answer.get("body") or ""
    if answer.get("isBase64Encoded"):
        body = base64.b64decode(body).decode()
    return Reply(answer["statusCode"], headers, body)
