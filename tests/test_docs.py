"""GET /docs, /redoc and /openapi.json: one function describing every endpoint."""

from __future__ import annotations

from typing import Any

import pytest

from functions import docs
from shared.data.text import trimmed
from tests.fixtures.events import http_api_event, invoke

ENDPOINTS = {
    ("get", "/health"): {"200", "500"},
    ("get", "/health/ready"): {"200", "500", "503"},
    # 400 added with the paging cursor.
    ("get", "/api/vehicles"): {"200", "400", "401", "403", "422", "500", "503"},
    # 304 added with ETags (If-None-Match); PATCH and DELETE added with the record's lifecycle.
    ("get", "/api/vehicles/{vin}"): {"200", "304", "401", "403", "404", "422", "500", "503"},
    ("post", "/api/vehicles"): {
        *("201", "400", "401", "403", "409", "413", "415", "422", "500", "503"),
    },
    ("patch", "/api/vehicles/{vin}"): {
        *("200", "400", "401", "403", "404", "412", "413", "415", "422", "500", "503"),
    },
    ("delete", "/api/vehicles/{vin}"): {"204", "401", "403", "404", "412", "422", "500", "503"},
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


def test_patch_takes_a_merge_patch_where_every_field_is_optional() -> None:
    document = published()
    update = document["paths"]["/api/vehicles/{vin}"]["patch"]
    content = update["requestBody"]["content"]
    assert set(content) == {"application/merge-patch+json", "application/json"}
    schema = document["components"]["schemas"]["VehiclePatch"]
    assert "required" not in schema
    fields = schema["properties"]
    assert all(fields[name]["not"] == {} for name in ("vin", "created_at", "updated_at"))
    nullable = {name for name, f in fields.items() if {"type": "null"} in f.get("anyOf", [])}
    writable = set(fields) - {"vin", "created_at", "updated_at"}
    assert nullable == writable - {"make", "model", "description", "status"}
    assert "if-match" in {p["name"].lower() for p in update["parameters"]}
    assert "ETag" in update["responses"]["412"]["headers"]


def test_the_record_s_rules_are_in_the_document() -> None:
    fields = published()["components"]["schemas"]["VehicleCreate"]["properties"]
    year = fields["year"]["anyOf"][0]
    assert (year["minimum"], year["maximum"] > 2025) == (1886, True)
    assert fields["price"]["anyOf"][0]["minimum"] == 0
    assert fields["mileage"]["anyOf"][0]["minimum"] == 0
    assert fields["status"]["enum"] == ["available", "pending", "sold"]
    assert fields["trim"]["anyOf"][0]["pattern"] == trimmed(100)  # at most 100 after trimming
    assert fields["detail_url"]["anyOf"][0]["format"] == "uri"
