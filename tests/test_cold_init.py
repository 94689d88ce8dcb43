"""A function's cold start loads and builds only what its own requests use: not the modules of
other endpoints, not the validators of models that only describe answers in OpenAPI, not
pydantic.v1, which FastAPI imported to refuse models nobody here defines (shared.api.compat),
and for the docs function not the API its stored document describes (shared.api.openapi)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# What each function has no use for: other endpoints' routes, models and queries.
VEHICLE_ROUTES = ("shared.data.models", "shared.auth.access", "shared.api.routes")
# A new vehicle's validator: POST's and the seed's alone (the others read `Writable`'s fields).
CREATE = "shared.data.vehicle_create"
NOT_LOADED = {
    "health": (*VEHICLE_ROUTES, "shared.api.list_route", "shared.data.patch", "pydantic.v1"),
    "get_vehicle": (
        CREATE,
        "shared.api.list_route",
        "shared.api.query",
        "shared.data.patch",
        "pydantic.v1",
    ),
    "create_vehicle": (
        "shared.api.list_route",
        "shared.api.query",
        "shared.data.patch",
        "pydantic.v1",
    ),
    "list_vehicles": (
        CREATE,
        "shared.api.routes",
        "shared.api.health",
        "shared.data.patch",
        "pydantic.v1",
    ),
    "update_vehicle": (
        CREATE,
        "shared.api.routes",
        "shared.api.list_route",
        "shared.api.query",
        "pydantic.v1",
    ),
    "delete_vehicle": (
        CREATE,
        "shared.api.routes",
        "shared.api.list_route",
        "shared.data.patch",
        "pydantic.v1",
    ),
    # The stored document and the docs pages: no route but those three, no vehicle model.
    "docs": (*VEHICLE_ROUTES, CREATE, "shared.api.list_route", "shared.api.health", "pydantic.v1"),
}
# Answers are JSON rendered by PostgreSQL: these models only describe them (defer_build).
ANSWER_MODELS = ("Vehicle", "VehicleSummary")
PROBE = """
import dataclasses, json, sys, importlib
made = []
process = dataclasses._process_class
def recorded(cls, *args, **kwargs):
    if cls.__module__.startswith(("shared.", "functions.")):  # ours: libraries have their own
        made.append(f"{cls.__module__}.{cls.__qualname__}")
    return process(cls, *args, **kwargs)
dataclasses._process_class = recorded
importlib.import_module("functions." + sys.argv[1])
models = sys.modules.get("shared.data.models")
names = sys.argv[2:] if models else []
built = {name: getattr(models, name).__pydantic_complete__ for name in names}
tokenize = sys.modules.get("tokenize")
compiled = bool(tokenize and tokenize._compile.cache_info().currsize)
found = {"modules": sorted(sys.modules), "built": built, "tokenize": compiled, "dataclasses": made}
print(json.dumps(found))
"""


def _imported(function: str) -> tuple[set[str], dict[str, bool]]:
    """The modules a fresh interpreter holds after importing `function`, and which of the
    answer models it has built."""
    run = [sys.executable, "-c", PROBE, function, *ANSWER_MODELS]
    out = subprocess.run(run, cwd=ROOT, capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    found = json.loads(out.stdout)
    return set(found["modules"]), found["built"]


@pytest.mark.parametrize(("function", "unused"), NOT_LOADED.items(), ids=list(NOT_LOADED))
def test_a_function_imports_no_other_endpoints_modules(function: str, unused: tuple[str]) -> None:
    modules, _ = _imported(function)
    assert sorted(set(unused) & modules) == []


@pytest.mark.parametrize("function", NOT_LOADED)
def test_no_function_compiles_tokenize_s_expressions_at_import(function: str) -> None:
    # 4 ms: `inspect.signature(list)` for a `default_factory=list` (shared.data.models._no_items)
    run = [sys.executable, "-c", PROBE, function]
    out = subprocess.run(run, cwd=ROOT, capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["tokenize"] is False


@pytest.mark.parametrize("function", NOT_LOADED)
def test_no_function_makes_a_dataclass_at_import(function: str) -> None:
    # Python 3.11 compiles each of a dataclass's methods apart: about 1.5 ms a class, 12 ms of
    # the list's cold start with 8 of them (NamedTuples instead; docs/performance.md, round 4).
    run = [sys.executable, "-c", PROBE, function]
    out = subprocess.run(run, cwd=ROOT, capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["dataclasses"] == []


@pytest.mark.parametrize("function", ["get_vehicle", "list_vehicles", "create_vehicle"])
def test_a_function_leaves_the_answer_models_unbuilt(function: str) -> None:
    assert _imported(function)[1] == dict.fromkeys(ANSWER_MODELS, False)


FIRST_DOCUMENT = """
import json, sys
import functions.docs
from shared.dev.events import LambdaContext, http_api_event
answer = functions.docs.handler(http_api_event("GET", "/openapi.json"), LambdaContext())
assert answer["statusCode"] == 200, answer
print(json.dumps(sorted(sys.modules)))
"""


def test_the_docs_function_serves_its_first_document_without_building_the_api() -> None:
    run = [sys.executable, "-c", FIRST_DOCUMENT]
    out = subprocess.run(run, cwd=ROOT, capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    modules = set(json.loads(out.stdout.splitlines()[-1]))
    assert sorted({*NOT_LOADED["docs"], "shared.api.routes"} & modules) == []


OWN_ROUTES = """
import importlib, sys
app = importlib.import_module("functions." + sys.argv[1]).app
print(sorted({type(route).__name__ for route in app.router.routes}))
"""


@pytest.mark.parametrize("function", [f for f in NOT_LOADED if f != "docs"])
def test_a_function_s_routes_are_its_app_s_own_not_an_included_router(function: str) -> None:
    # FastAPI rebuilds an included router's routes on their first request (shared.api.routers).
    run = [sys.executable, "-c", OWN_ROUTES, function]
    out = subprocess.run(run, cwd=ROOT, capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert "_IncludedRouter" not in out.stdout
    assert "APIRoute" in out.stdout or "FastPathRoute" in out.stdout


V1_MODEL = """
import functions.get_vehicle  # installs shared.api.compat
from fastapi import APIRouter
from fastapi.exceptions import PydanticV1NotSupportedError
from pydantic import v1

class Legacy(v1.BaseModel):
    name: str

async def legacy() -> None: ...

try:
    APIRouter().get("/legacy", response_model=Legacy)(legacy)
except PydanticV1NotSupportedError:
    print("refused")
"""


def test_fastapi_still_refuses_a_pydantic_v1_model_once_pydantic_v1_is_imported() -> None:
    run = [sys.executable, "-W", "ignore", "-c", V1_MODEL]
    out = subprocess.run(run, cwd=ROOT, capture_output=True, text=True, check=False)
    assert (out.returncode, out.stdout.strip()) == (0, "refused"), out.stderr
