"""The stored OpenAPI document (`shared/api/openapi.json`) is the one the app generates, and the
docs function answers as the whole API would: the document, the pages, 404 and 405."""

from __future__ import annotations

import pytest

from functions import docs
from shared.api import openapi
from shared.api.gateway import lambda_handler
from tests.fixtures.events import Event, http_api_event, invoke, rest_api_event


def test_the_stored_document_is_the_one_the_app_generates() -> None:
    generated = openapi.rendered(openapi.whole_api().openapi())
    stored = openapi.STORED.read_text(encoding="utf-8")
    assert stored == generated, "the API changed: run `make openapi` and commit the document"


@pytest.mark.parametrize(
    "event",
    [
        http_api_event("GET", "/openapi.json"),
        http_api_event("GET", "/openapi.json", stage="dev"),
        rest_api_event("GET", "/openapi.json"),
        http_api_event("GET", "/docs", stage="dev"),
        http_api_event("GET", "/redoc"),
        http_api_event("POST", "/docs"),
        http_api_event("GET", "/api/nothing-here"),
        http_api_event("PUT", "/api/vehicles/1HGCM82633A004352"),
        http_api_event("OPTIONS", "/openapi.json", headers={"origin": "https://a.example"}),
    ],
    ids=["document", "under-a-stage", "rest-api", "swagger", "redoc", "405", "404", "put", "cors"],
)
def test_the_docs_function_answers_as_the_whole_api_does(event: Event) -> None:
    whole = lambda_handler(openapi.whole_api())
    ours, theirs = invoke(docs.handler, event), invoke(whole, event)
    assert (ours.status, ours.headers, ours.body) == (theirs.status, theirs.headers, theirs.body)


def test_uvicorn_s_app_is_the_whole_api() -> None:
    assert docs.app is openapi.whole_api()
    assert {"/api/vehicles", "/api/vehicles/{vin}", "/health"} <= set(docs.app.openapi()["paths"])
