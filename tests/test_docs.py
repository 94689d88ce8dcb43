"""GET /docs, /redoc and /openapi.json: one function describing every endpoint."""

from __future__ import annotations

from typing import Any

import pytest

from functions import docs
from tests.fixtures.events import http_api_event, invoke

ENDPOINTS = {
    ("get", "/health"): {"200", "500"},
    ("get", "/health/ready"): {"200", "500", "503"},
    ("get", "/api/vehicles"): {"200", "400", "422", "500", "503"},
    ("get", "/api/vehicles/{vin}"): {"200", "404", "422", "500", "503"},
    ("post", "/api/vehicles"): {"201", "400", "409", "413", "415", "422", "500", "503"},
}


# The query language of the list (issue #13), besides the original page and page_size.
SEARCH_PARAMETERS = {
    "cursor", "make", "model", "year_min", "year_max", "price_min", "price_max", "mileage_max",
    "status", "dealer", "condition", "q", "sort", "count",
}  # fmt: skip


def published() -> dict[str, Any]:
    reply = invoke(docs.handler, http_api_event("GET", "/openapi.json"))
    assert reply.status == 200
    document: dict[str, Any] = reply.json()
    return document


def test_the_document_describes_every_endpoint_and_its_error_answers() -> None:
    paths = published()["paths"]
    described = {(method, path) for path, item in paths.items() for method in item}
    assert described == set(ENDPOINTS)
    for (method, path), codes in ENDPOINTS.items():
        assert set(paths[path][method]["responses"]) == codes, f"{method} {path}"


@pytest.mark.parametrize(
    ("method", "path", "status", "schema"),
    [
        ("get", "/api/vehicles", "200", "VehiclePage"),
        ("get", "/api/vehicles/{vin}", "200", "Vehicle"),
        ("get", "/api/vehicles/{vin}", "404", "ErrorDetail"),
        ("post", "/api/vehicles", "201", "Vehicle"),
        ("post", "/api/vehicles", "409", "ErrorDetail"),
        ("post", "/api/vehicles", "422", "HTTPValidationError"),
        ("get", "/health/ready", "503", "ErrorDetail"),
    ],
)
def test_answers_refer_to_their_schemas(method: str, path: str, status: str, schema: str) -> None:
    answer = published()["paths"][path][method]["responses"][status]
    ref = answer["content"]["application/json"]["schema"]["$ref"]
    assert ref == f"#/components/schemas/{schema}"


def test_requests_and_errors_come_with_examples() -> None:
    document = published()
    create = document["paths"]["/api/vehicles"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/VehicleCreate"
    )
    assert document["components"]["schemas"]["VehicleCreate"]["examples"]
    conflict = create["responses"]["409"]["content"]["application/json"]["example"]
    assert conflict == {"detail": "Vehicle with this VIN already exists."}
    assert "Location" in create["responses"]["201"]["headers"]
    assert "Retry-After" in create["responses"]["503"]["headers"]
    list_params = {p["name"] for p in document["paths"]["/api/vehicles"]["get"]["parameters"]}
    assert list_params == {"page", "page_size", *SEARCH_PARAMETERS}


@pytest.mark.parametrize(("path", "marker"), [("/docs", "swagger-ui"), ("/redoc", "redoc")])
def test_the_browsable_docs_load_the_document(path: str, marker: str) -> None:
    reply = invoke(docs.handler, http_api_event("GET", path))
    assert reply.status == 200
    assert reply.headers["content-type"].startswith("text/html")
    assert marker in reply.body
    assert "/openapi.json" in reply.body


def test_behind_a_named_stage_the_docs_point_at_the_stage_prefixed_document() -> None:
    reply = invoke(docs.handler, http_api_event("GET", "/docs", stage="dev"))
    assert reply.status == 200
    assert "'/dev/openapi.json'" in reply.body or '"/dev/openapi.json"' in reply.body
    document = invoke(docs.handler, http_api_event("GET", "/openapi.json", stage="dev")).json()
    assert {"url": "/dev"} in document["servers"]
