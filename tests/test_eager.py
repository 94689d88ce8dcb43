"""Eager ASGI cycles: the same answers as Mangum's task-on-the-loop, with or without waiting."""

from __future__ import annotations

import asyncio
import contextvars
import json
from typing import Any

import pytest
from mangum.types import Receive, Scope, Send

from shared.api.eager import EagerMangum
from tests.fixtures.events import LambdaContext, http_api_event

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="none")


async def respond(send: Send, body: dict[str, Any], status: int = 200) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    await send({"type": "http.response.body", "body": json.dumps(body).encode()})


async def immediate(scope: Scope, receive: Receive, send: Send) -> None:
    message = await receive()
    request_id.set("set by the request")
    await respond(send, {"body": message["body"].decode(), "running": _running()})


async def waiting(scope: Scope, receive: Receive, send: Send) -> None:
    await asyncio.sleep(0.01)  # a real wait on a timer: needs the loop
    task = asyncio.create_task(asyncio.sleep(0, result="from a task"))
    await respond(send, {"result": await task, "running": _running()})


async def failing_wait(scope: Scope, receive: Receive, send: Send) -> None:
    future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    asyncio.get_running_loop().call_later(0.01, future.set_exception, ValueError("late"))
    try:
        await future
    except ValueError as err:
        await respond(send, {"caught": str(err)}, status=409)


def _running() -> bool:
    return asyncio.get_running_loop() is not None


def call(app: Any, body: str = "") -> tuple[int, dict[str, Any]]:
    event = http_api_event("POST", "/anything", body=body)
    answer = EagerMangum(app, lifespan="off")(event, LambdaContext())  # type: ignore[arg-type]
    return answer["statusCode"], json.loads(answer["body"])


def test_an_app_that_never_waits_is_answered_with_the_loop_marked_running() -> None:
    assert call(immediate, "hello") == (200, {"body": "hello", "running": True})


def test_an_app_that_waits_is_carried_on_by_the_loop_where_it_stopped() -> None:
    assert call(waiting) == (200, {"result": "from a task", "running": True})


def test_an_exception_from_an_awaited_future_is_raised_inside_the_app() -> None:
    assert call(failing_wait) == (409, {"caught": "late"})


@pytest.mark.parametrize("app", [immediate, waiting], ids=["immediate", "waiting"])
def test_context_variables_and_the_running_loop_do_not_outlive_the_request(app: Any) -> None:
    call(app)
    assert request_id.get() == "none"
    with pytest.raises(RuntimeError):
        asyncio.get_running_loop()
