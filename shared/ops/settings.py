"""Settings: the only reader of the environment, read once per container."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache

from shared.errors import ConfigurationError

# Every environment variable the project reads; env.example documents each one.
DATABASE_URL = "DATABASE_URL"
DATABASE_URL_SSM_PARAMETER = "DATABASE_URL_SSM_PARAMETER"
DATABASE_SECRET_ARN = "DATABASE_SECRET_ARN"
DATABASE_SECRET_MAX_AGE = "DATABASE_SECRET_MAX_AGE"
DB_CONNECT_TIMEOUT = "DB_CONNECT_TIMEOUT"
DB_STATEMENT_TIMEOUT_MS = "DB_STATEMENT_TIMEOUT_MS"
DB_PREPARED_STATEMENTS = "DB_PREPARED_STATEMENTS"
CORS_ORIGINS = "CORS_ORIGINS"
VIN_CHECK_DIGIT = "VIN_CHECK_DIGIT"
CURSOR_SECRET = "CURSOR_SECRET"
LOG_LEVEL = "LOG_LEVEL"
LOG_FORMAT = "LOG_FORMAT"
SERVICE_NAME = "POWERTOOLS_SERVICE_NAME"
METRICS_NAMESPACE = "POWERTOOLS_METRICS_NAMESPACE"
TRACING = "POWERTOOLS_TRACE_DISABLED"
LAMBDA_FUNCTION_NAME = "AWS_LAMBDA_FUNCTION_NAME"

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@dataclass(frozen=True, slots=True)
class Settings:
    """Typed view of the environment. Build with `Settings.from_env`, read with `get_settings`."""

    database_url: str | None = None
    database_url_ssm_parameter: str | None = None
    database_secret_arn: str | None = None
    database_secret_max_age: int = 300
    db_connect_timeout: int = 5
    db_statement_timeout_ms: int = 5000
    db_prepared_statements: bool = False
    cors_origins: tuple[str, ...] = ("*",)
    vin_check_digit: bool = True
    cursor_secret: str = field(default="", repr=False)  # signs list cursors; never logged
    log_level: str = "INFO"
    log_format: str = "json"
    service_name: str = "vehicle-inventory"
    metrics_namespace: str = "VehicleInventory"
    tracing: bool = False
    lambda_function_name: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Parse `env`; a malformed value raises `ConfigurationError` naming the variable."""

        def text(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        return cls(
            database_url=text(DATABASE_URL),
            database_url_ssm_parameter=text(DATABASE_URL_SSM_PARAMETER),
            database_secret_arn=text(DATABASE_SECRET_ARN),
            database_secret_max_age=_integer(env, DATABASE_SECRET_MAX_AGE, 300, minimum=0),
            db_connect_timeout=_integer(env, DB_CONNECT_TIMEOUT, 5, minimum=1),
            db_statement_timeout_ms=_integer(env, DB_STATEMENT_TIMEOUT_MS, 5000, minimum=0),
            db_prepared_statements=_flag(env, DB_PREPARED_STATEMENTS, default=False),
            cors_origins=_origins(env.get(CORS_ORIGINS, "")),
            vin_check_digit=_flag(env, VIN_CHECK_DIGIT, default=True),
            cursor_secret=env.get(CURSOR_SECRET, "").strip(),
            log_level=_choice(env, LOG_LEVEL, ("DEBUG", "INFO", "WARNING", "ERROR"), "INFO"),
            log_format=_choice(env, LOG_FORMAT, ("JSON", "PLAIN"), "JSON").lower(),
            service_name=text(SERVICE_NAME) or "vehicle-inventory",
            metrics_namespace=text(METRICS_NAMESPACE) or "VehicleInventory",
            tracing=not _flag(env, TRACING, default=True),
            lambda_function_name=text(LAMBDA_FUNCTION_NAME),
        )


@cache
def get_settings() -> Settings:
    """The settings of this process, read from the environment on first call."""
    return Settings.from_env(os.environ)


def _flag(env: Mapping[str, str], name: str, *, default: bool) -> bool:
    raw = env.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigurationError(f"{name} must be on or off, got {raw!r}")


def _choice(env: Mapping[str, str], name: str, allowed: tuple[str, ...], default: str) -> str:
    value = env.get(name, "").strip().upper() or default
    if value not in allowed:
        raise ConfigurationError(f"{name} must be one of {', '.join(allowed)}, got {value!r}")
    return value


def _integer(env: Mapping[str, str], name: str, default: int, *, minimum: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number, got {raw!r}") from None
    if value < minimum:
        raise ConfigurationError(f"{name} must be at least {minimum}, got {value}")
    return value


def _origins(raw: str) -> tuple[str, ...]:
    origins = tuple(origin.strip().rstrip("/") for origin in raw.split(",") if origin.strip())
    if not origins or "*" in origins:
        return ("*",)
    return origins
