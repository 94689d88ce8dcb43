"""Logs, metrics and traces: request-scoped keys, the access line, EMF metrics, no secrets."""

from __future__ import annotations

import importlib.util
import json
import logging
import subprocess
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from unittest import mock
from urllib.parse import quote

import pytest
from aws_lambda_powertools import Tracer
from fastapi import FastAPI
from mangum import Mangum

from shared.data.database import Database
from shared.errors import ConfigurationError, DatabaseUnavailableError
from shared.ops import telemetry
from shared.ops.settings import Settings, get_settings
from tests.fixtures.api import unreachable_database_url

PASSWORD = 'hunter2 p@ss/w:rd"\\'
app_log = logging.getLogger("shared.example")


@dataclass
class FakeContext:
    """The attributes of the Lambda context object that Powertools reads."""

    function_name: str = "vehicle-inventory-dev-listVehicles"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:eu-west-1:123456789012:function:listVehicles"
    aws_request_id: str = "5e7a3f0e-0000-4000-8000-lambda-request"


def http_event(request_id: str = "Ab1cDefGHIjkLM=", *, version: str = "2.0") -> dict[str, Any]:
    """A trimmed API Gateway event; REST (v1) and HTTP (v2) keep the id at the same path."""
    event: dict[str, Any] = {
        "version": version,
        "headers": {"authorization": "Bearer top-secret-token", "content-type": "application/json"},
        "body": '{"vin": "body-must-not-be-logged"}',
        "requestContext": {"requestId": request_id, "stage": "$default"},
    }
    if version == "2.0":
        event["requestContext"]["http"] = {"method": "POST", "path": "/api/vehicles"}
    else:
        event["httpMethod"] = "POST"
    return event


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """Settings read anew and observability rebuilt, as in a new container; stdout captured."""
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "TestInventory")
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "inventory-under-test")
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "true")
    get_settings.cache_clear()
    telemetry.reset()
    yield monkeypatch
    telemetry.reset()
    get_settings.cache_clear()


def output(capsys: pytest.CaptureFixture[str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Captured stdout as (log lines, EMF metric blobs)."""
    out = capsys.readouterr().out
    records = [json.loads(line) for line in out.splitlines() if line.strip()]
    return [r for r in records if "_aws" not in r], [r for r in records if "_aws" in r]


def metric_names(blob: dict[str, Any]) -> set[str]:
    return {m["Name"] for m in blob["_aws"]["CloudWatchMetrics"][0]["Metrics"]}


@telemetry.instrument
def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    telemetry.logger().info("from the Powertools logger")
    app_log.info("from a module logger")
    return {"statusCode": 200}


@pytest.mark.parametrize("version", ["2.0", "1.0"], ids=["http-api-v2", "rest-api-v1"])
def test_every_line_of_an_invocation_carries_request_id_function_and_cold_start(
    env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], version: str
) -> None:
    handler(http_event("first-request", version=version), FakeContext())
    handler(http_event("second-request", version=version), FakeContext())
    lines, _ = output(capsys)
    assert [(line["message"], line["correlation_id"], line["cold_start"]) for line in lines] == [
        ("from the Powertools logger", "first-request", True),
        ("from a module logger", "first-request", True),
        ("from the Powertools logger", "second-request", False),
        ("from a module logger", "second-request", False),
    ]
    assert {line["function_name"] for line in lines} == {FakeContext.function_name}
    assert {line["service"] for line in lines} == {"inventory-under-test"}


def test_an_event_without_a_request_id_has_no_correlation_id(
    env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    handler({"action": "status"}, FakeContext())
    lines, _ = output(capsys)
    assert all("correlation_id" not in line for line in lines)
    assert {line["function_request_id"] for line in lines} == {FakeContext.aws_request_id}


ping_app = FastAPI()


@ping_app.get("/ping")
def ping() -> dict[str, bool]:
    app_log.info("pinging")
    return {"ok": True}


mangum_handler = telemetry.instrument(Mangum(ping_app, lifespan="off"))


def mangum_event(request_id: str) -> dict[str, Any]:
    """A complete HTTP API (v2) event, as Mangum needs it."""
    return {
        "version": "2.0",
        "routeKey": "GET /ping",
        "rawPath": "/ping",
        "rawQueryString": "",
        "headers": {"host": "api.example.com", "authorization": "Bearer top-secret-token"},
        "requestContext": {
            "http": {"method": "GET", "path": "/ping", "protocol": "HTTP/1.1",
                     "sourceIp": "192.0.2.1", "userAgent": "pytest"},
            "requestId": request_id,
            "stage": "$default",
        },
        "isBase64Encoded": False,
    }  # fmt: skip


def test_a_mangum_app_can_be_instrumented_and_its_lines_carry_the_request_id(
    env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    response = mangum_handler(mangum_event("mangum-request"), FakeContext())
    assert response["statusCode"] == 200
    lines, _ = output(capsys)
    assert [(line["message"], line["correlation_id"]) for line in lines] == [
        ("pinging", "mangum-request")
    ]


@telemetry.instrument
def api_handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    with telemetry.db_span("get_vehicle"):
        pass
    with telemetry.db_span("get_vehicle_again"):
        pass
    telemetry.log_access("GET", "/api/vehicles/{vin}", 404, 12.345)
    return {"statusCode": 404}


def test_one_access_line_per_request_carries_the_request_metrics(
    env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    api_handler(http_event("Req-42="), FakeContext())
    lines, blobs = output(capsys)
    access, cold = blobs  # the ColdStart metric is flushed when the invocation ends
    assert metric_names(cold) == {"ColdStart"}
    assert [line for line in lines if "duration_ms" in line] == []  # the access line is one line
    assert access["message"] == "GET /api/vehicles/{vin} 404 12.3 ms"
    assert (access["http_method"], access["route"], access["status"], access["duration_ms"]) == (
        "GET",
        "/api/vehicles/{vin}",
        404,
        12.3,
    )
    assert (access["correlation_id"], access["cold_start"]) == ("Req-42=", True)
    assert metric_names(access) == {"Requests", "Latency", "DatabaseTime"}
    assert access["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "TestInventory"
    assert access["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [
        ["service", "endpoint", "status_class"]
    ]
    assert (access["endpoint"], access["status_class"]) == ("GET /api/vehicles/{vin}", "4xx")
    assert (access["Requests"], access["Latency"]) == (1, 12.3)
    assert isinstance(access["DatabaseTime"], float)  # both spans summed into one value


def test_below_info_the_access_line_keeps_only_its_metrics(
    env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    env.setenv("LOG_LEVEL", "WARNING")
    get_settings.cache_clear()
    api_handler(http_event(), FakeContext())
    access, _ = output(capsys)[1]
    assert "message" not in access
    assert (access["Requests"], access["status_class"]) == (1, "4xx")


def test_in_plain_format_the_access_line_is_readable_and_carries_no_metrics(
    env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    env.setenv("LOG_FORMAT", "plain")
    get_settings.cache_clear()
    api_handler(http_event("Req-7="), FakeContext())
    [access] = [line for line in capsys.readouterr().out.splitlines() if "12.3 ms" in line]
    assert " INFO GET /api/vehicles/{vin} 404 12.3 ms " in access
    assert "correlation_id=Req-7=" in access
    assert "_aws" not in access


@telemetry.instrument
def quiet_handler(event: dict[str, Any], context: object) -> None:
    return None


def test_an_invocation_that_measures_nothing_prints_no_metrics_and_no_warning(
    env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    quiet_handler({}, FakeContext())
    capsys.readouterr()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        quiet_handler({}, FakeContext())
    assert capsys.readouterr().out == ""
    assert caught == []


@telemetry.instrument
def seed_handler(event: dict[str, Any], context: object) -> None:
    telemetry.count("RowsInserted", 40)
    telemetry.count("RowsSkipped", 2)
    telemetry.count("RowsInvalid", 1)


def test_counts_are_published_once_at_the_end_of_the_invocation(
    env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_handler({}, FakeContext())
    _, blobs = output(capsys)
    counts = blobs[-1]
    assert [counts[n] for n in ("RowsInserted", "RowsSkipped", "RowsInvalid")] == [[40], [2], [1]]
    assert counts["service"] == "inventory-under-test"


@telemetry.instrument
def failing_handler(event: dict[str, Any], context: object) -> None:
    url = get_settings().database_url or ""
    app_log.warning("connecting to %s", url)  # careless code: the safeguard must still mask it
    Database(get_settings()).fetch_one("SELECT 1", retry=True)


def test_the_password_in_database_url_never_reaches_a_log_line_even_when_connecting_fails(
    env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    env.setenv("DATABASE_URL", unreachable_database_url(PASSWORD))
    get_settings.cache_clear()
    with pytest.raises(DatabaseUnavailableError):
        failing_handler(http_event(), FakeContext())
    captured = capsys.readouterr()
    records = [json.loads(line) for line in captured.out.splitlines()]
    lines = [record for record in records if "_aws" not in record]
    assert [line["level"] for line in lines] == ["WARNING", "ERROR"]
    assert "Traceback" in lines[1]["exception"]  # logged once, with the traceback
    for spelling in (PASSWORD, quote(PASSWORD, safe=""), quote(PASSWORD), json.dumps(PASSWORD)):
        assert spelling not in captured.out + captured.err
    assert "postgresql://app:***@127.0.0.1" in lines[0]["message"]


def test_a_password_from_a_secret_is_masked_once_resolved(
    env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from shared.ops import secrets  # noqa: PLC0415

    secret = '{"host": "db", "username": "app", "password": "from-the-vault"}'
    url = secrets.url_from_secret(secret)
    telemetry.logger().info("resolved %s from %s", url, secret)
    assert "from-the-vault" not in capsys.readouterr().out


def test_request_bodies_and_authorization_headers_are_never_logged(
    env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    env.setenv("LOG_LEVEL", "DEBUG")
    get_settings.cache_clear()
    handler(http_event(), FakeContext())
    out = capsys.readouterr().out
    assert "body-must-not-be-logged" not in out
    assert "top-secret-token" not in out


def test_log_level_and_plain_format_come_from_settings(
    env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    env.setenv("LOG_LEVEL", "WARNING")
    env.setenv("LOG_FORMAT", "plain")
    get_settings.cache_clear()
    log = telemetry.logger()
    log.info("hidden below the level")
    log.warning("shown", extra={"vin": "1HGCM82633A004352"})
    [line] = capsys.readouterr().out.splitlines()
    assert " WARNING shown " in line
    assert "vin=1HGCM82633A004352" in line


def test_with_tracing_off_no_tracer_is_built_and_spans_cost_nothing(
    env: pytest.MonkeyPatch,
) -> None:
    assert telemetry.tracer() is None
    with telemetry.span("s3 get_object"):
        pass
    assert "aws_xray_sdk" not in sys.modules


def test_tracing_on_without_the_xray_sdk_is_a_clear_error(env: pytest.MonkeyPatch) -> None:
    env.setenv("POWERTOOLS_TRACE_DISABLED", "false")
    get_settings.cache_clear()
    find_spec = importlib.util.find_spec
    env.setattr(  # a package built without the [tracer] extra
        importlib.util,
        "find_spec",
        lambda name: None if name == "aws_xray_sdk" else find_spec(name),
    )
    with pytest.raises(ConfigurationError, match=r"aws-lambda-powertools\[tracer\]"):
        telemetry.tracer()


class RecordingProvider:
    """Stands in for the X-Ray recorder: remembers the subsegments opened."""

    def __init__(self) -> None:
        self.subsegments: list[str] = []

    @contextmanager
    def in_subsegment(self, name: str | None = None, **_: Any) -> Iterator[mock.MagicMock]:
        self.subsegments.append(str(name))
        yield mock.MagicMock()

    def patch(self, modules: Any) -> None:
        pass


def test_with_tracing_on_database_calls_and_reads_are_subsegments(
    env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    env.setenv("POWERTOOLS_TRACE_DISABLED", "false")
    get_settings.cache_clear()
    provider = RecordingProvider()

    def new_tracer(settings: Settings) -> Tracer:
        return Tracer(
            service=settings.service_name,
            disabled=False,
            auto_patch=False,
            provider=provider,  # type: ignore[arg-type]
        )

    env.setattr(telemetry, "_new_tracer", new_tracer)
    api_handler(http_event(), FakeContext())
    assert provider.subsegments == ["## api_handler", "db get_vehicle", "db get_vehicle_again"]
    mangum_handler(mangum_event("traced"), FakeContext())
    assert provider.subsegments[-1] == "## Mangum"


def test_importing_observability_and_secrets_loads_neither_boto3_nor_xray() -> None:
    heavy = ("boto3", "botocore.session", "aws_xray_sdk")
    code = (
        "import sys, shared.ops.telemetry, shared.ops.secrets; "
        f"print(sorted(m for m in {heavy!r} if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
