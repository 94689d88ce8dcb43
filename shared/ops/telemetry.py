"""Metrics and traces (Powertools), and the per-invocation wrapper, set up on first use.

Lambda handlers are wrapped with `instrument`; the HTTP layer calls `log_access` once per request;
the database layer wraps each round trip in `db_span`, S3 reads go in `span`; seed and migrate
call `count`. Nothing is built at import time (Powertools reads the environment when constructed),
and X-Ray (`aws_xray_sdk`) is imported only when tracing is on. The logger, and the masking of
secrets in every line, live in `shared.ops.logs`.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import logging
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

from aws_lambda_powertools import Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit

from shared.errors import ConfigurationError
from shared.ops import logs
from shared.ops.logs import logger, plain
from shared.ops.settings import Settings, get_settings

_invocation: dict[str, Any] = {"cold_start": True, "db_ms": 0.0, "db_calls": 0, "keys": {}}
_REQUEST_METRICS = [
    {"Name": "Requests", "Unit": "Count"},
    {"Name": "Latency", "Unit": "Milliseconds"},
]
_DB_METRIC = [{"Name": "DatabaseTime", "Unit": "Milliseconds"}]
_COMPACT = json.JSONEncoder(separators=(",", ":"), default=str)  # json.dumps makes one a call


@cache
def metrics() -> Metrics:
    """The Powertools metrics of this process (CloudWatch EMF on stdout, flushed per invocation)."""
    settings = get_settings()
    return Metrics(
        namespace=settings.metrics_namespace,
        service=settings.service_name,
        function_name=settings.lambda_function_name,
    )


@cache
def tracer() -> Tracer | None:
    """The X-Ray tracer when tracing is on (POWERTOOLS_TRACE_DISABLED=false), else None."""
    settings = get_settings()
    return _new_tracer(settings) if settings.tracing else None


def _new_tracer(settings: Settings) -> Tracer:
    if importlib.util.find_spec("aws_xray_sdk") is None:
        raise ConfigurationError(
            "tracing is on (POWERTOOLS_TRACE_DISABLED=false) but aws-xray-sdk is not installed; "
            "install aws-lambda-powertools[tracer]"
        )
    traced = Tracer(service=settings.service_name, disabled=False, auto_patch=False)
    traced.patch(["botocore"])  # S3, SSM and Secrets Manager calls become subsegments
    return traced


def instrument(handler: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """Wrap a Lambda handler (a function or a Mangum app): request-scoped log keys, the
    ColdStart metric, one metrics flush per invocation, and a trace segment when tracing is on."""

    def handle(event: Any, context: Any) -> Any:
        return handler(event, context)

    handle.__name__ = getattr(handler, "__name__", type(handler).__name__)  # the segment's name

    def invoke(event: Any, context: Any) -> Any:
        cold_start = _invocation["cold_start"]
        _invocation.update(cold_start=False, db_ms=0.0, db_calls=0)
        log, recorded = logger(), metrics()
        keys = {
            "cold_start": cold_start,
            "function_name": getattr(context, "function_name", None)
            or get_settings().lambda_function_name,
            "function_request_id": getattr(context, "aws_request_id", None),
            "correlation_id": _api_gateway_request_id(event),
        }
        _invocation["keys"] = keys
        log.structure_logs(**keys)
        traced = tracer()
        try:
            if traced is None:
                return handle(event, context)
            return traced.capture_lambda_handler(handle, capture_response=False)(event, context)
        except Exception:
            log.exception("invocation failed")
            raise
        finally:
            if cold_start and hasattr(context, "function_name"):
                recorded.provider.add_cold_start_metric(context)
            _flush(recorded)

    return functools.wraps(handler, updated=())(invoke)


def log_access(method: str, route: str, status: int, duration_ms: float) -> None:
    """The one access line per HTTP request, which also carries its metrics (CloudWatch EMF).

    `route` is the route template (`/vehicles/{vin}`), not the raw path: bounded metric
    cardinality. Written as one hand-built JSON line: on the request path, Powertools' logger and
    metrics together cost several times more per request than this. The parts that do not change
    from one request to the next (route, status, the EMF declaration) are serialised once.
    """
    duration = round(duration_ms, 1)
    now = time.time()
    settings = get_settings()
    with_db = bool(_invocation["db_calls"])
    if settings.log_format == "plain":  # a terminal: a readable line, and no metrics to extract
        stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(now)) + f",{int(now % 1 * 1000):03d}"
        fields = {"http_method": method, "route": route, "status": status, "duration_ms": duration}
        record: dict[str, Any] = {"level": "INFO", "location": "log_access"}
        record |= {"message": f"{method} {route} {status} {duration} ms"}
        record |= {"timestamp": f"{stamp}+0000"}
        record |= {"service": settings.service_name, **_invocation["keys"], **fields}
        sys.stdout.write(plain(record) + "\n")
        _invocation.update(db_ms=0.0, db_calls=0)
        return
    head, middle, tail = _access_parts(method, route, status, settings.service_name)
    parts = []
    if logger().log_level <= logging.INFO:  # above it, the metrics still go out, the line not
        message = json.dumps(f"{method} {route} {status} {duration} ms")
        timestamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(now))
        parts.append(
            f'"level":"INFO","location":"log_access","message":{message},'
            f'"timestamp":"{timestamp},{int(now % 1 * 1000):03d}+0000",'
        )
    keys = _COMPACT.encode(_invocation["keys"])[1:-1]
    parts += [head, f",{keys}" if keys else "", middle]
    parts.append(f'"duration_ms":{duration!r},{tail}"Latency":{duration!r},')
    emf = _emf(settings.metrics_namespace, with_db)
    parts.append(f'"_aws":{{"Timestamp":{int(now * 1000)},"CloudWatchMetrics":{emf}}}')
    if with_db:
        parts.append(f',"DatabaseTime":{round(_invocation["db_ms"], 1)!r}')
        _invocation.update(db_ms=0.0, db_calls=0)  # reported here, not again at the flush
    sys.stdout.write("{" + "".join(parts) + "}\n")


@cache
def _access_parts(method: str, route: str, status: int, service: str) -> tuple[str, str, str]:
    """The unchanging JSON of an access line around its per-request values."""
    dump = functools.partial(json.dumps, separators=(",", ":"))
    head = f'"service":{dump(service)}'
    middle = f',"http_method":{dump(method)},"route":{dump(route)},"status":{status},'
    tail = (
        f'"endpoint":{dump(f"{method} {route}")},"status_class":"{status // 100}xx","Requests":1,'
    )
    return head, middle, tail


@cache
def _emf(namespace: str, with_db: bool) -> str:
    """The EMF declaration of the access line's metrics."""
    declaration = [
        {
            "Namespace": namespace,
            "Dimensions": [["service", "endpoint", "status_class"]],
            "Metrics": _REQUEST_METRICS + (_DB_METRIC if with_db else []),
        }
    ]
    return json.dumps(declaration, separators=(",", ":"))


def count(name: str, value: float = 1) -> None:
    """Add a Count metric to this invocation (seed: RowsInserted...; migrate: MigrationsApplied)."""
    metrics().add_metric(name=name, unit=MetricUnit.Count, value=value)


@contextmanager
def span(name: str) -> Iterator[None]:
    """An X-Ray subsegment around the block when tracing is on; nothing otherwise."""
    traced = tracer()
    if traced is None:
        yield
        return
    with traced.provider.in_subsegment(name=name):
        yield


@contextmanager
def db_span(name: str) -> Iterator[None]:
    """Time one database call into this invocation's DatabaseTime metric, traced as `db <name>`."""
    start = time.perf_counter()
    try:
        with span(f"db {name}"):
            yield
    finally:
        _invocation["db_ms"] += (time.perf_counter() - start) * 1000
        _invocation["db_calls"] += 1


def reset() -> None:
    """Forget the logger, metrics, tracer and hidden secrets, as a new container would (tests)."""
    logs.reset()
    if metrics.cache_info().currsize:
        metrics().clear_metrics()
    if tracer.cache_info().currsize and tracer() is not None:
        Tracer._reset_config()  # type: ignore[no-untyped-call] # the provider is kept on the class
    metrics.cache_clear()
    tracer.cache_clear()
    _invocation.update(cold_start=True, db_ms=0.0, db_calls=0, keys={})


def _flush(recorded: Metrics) -> None:
    if _invocation["db_calls"]:
        recorded.add_metric(
            name="DatabaseTime", unit=MetricUnit.Milliseconds, value=round(_invocation["db_ms"], 1)
        )
    if recorded.metric_set:
        recorded.flush_metrics()
    else:  # Powertools warns on an empty flush; a function that measured nothing says nothing.
        recorded.clear_metrics()


def _api_gateway_request_id(event: Any) -> str | None:
    """`requestContext.requestId`: the same path in API Gateway REST (v1) and HTTP (v2) events."""
    context = event.get("requestContext") if isinstance(event, dict) else None
    request_id = context.get("requestId") if isinstance(context, dict) else None
    return request_id if isinstance(request_id, str) else None


__all__ = ["count", "db_span", "instrument", "log_access", "logger", "reset", "span"]
