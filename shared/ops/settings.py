"""Settings: the only reader of the environment, read once per container."""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cache
from typing import NamedTuple

from shared.errors import ConfigurationError

# Every environment variable the project reads; env.example documents each one.
DATABASE_URL = "DATABASE_URL"
DATABASE_URL_SSM_PARAMETER = "DATABASE_URL_SSM_PARAMETER"
DATABASE_SECRET_ARN = "DATABASE_SECRET_ARN"
DATABASE_SECRET_MAX_AGE = "DATABASE_SECRET_MAX_AGE"
DB_CONNECT_TIMEOUT = "DB_CONNECT_TIMEOUT"
DB_STATEMENT_TIMEOUT_MS = "DB_STATEMENT_TIMEOUT_MS"
DB_PREPARED_STATEMENTS = "DB_PREPARED_STATEMENTS"
DB_REQUEST_DEADLINE_MS = "DB_REQUEST_DEADLINE_MS"
MIGRATION_LOCK_TIMEOUT_MS = "MIGRATION_LOCK_TIMEOUT_MS"
CORS_ORIGINS = "CORS_ORIGINS"
VIN_CHECK_DIGIT = "VIN_CHECK_DIGIT"
CURSOR_SECRET = "CURSOR_SECRET"
LOG_LEVEL = "LOG_LEVEL"
LOG_FORMAT = "LOG_FORMAT"
SERVICE_NAME = "POWERTOOLS_SERVICE_NAME"
METRICS_NAMESPACE = "POWERTOOLS_METRICS_NAMESPACE"
TRACING = "POWERTOOLS_TRACE_DISABLED"
LAMBDA_FUNCTION_NAME = "AWS_LAMBDA_FUNCTION_NAME"
AUTH_WRITE = "AUTH_WRITE"
AUTH_READ = "AUTH_READ"
SUPABASE_URL = "SUPABASE_URL"
AUTH_JWKS_URL = "AUTH_JWKS_URL"
AUTH_ISSUER = "AUTH_ISSUER"
AUTH_AUDIENCE = "AUTH_AUDIENCE"
AUTH_JWT_SECRET = "AUTH_JWT_SECRET"
AUTH_JWT_SECRET_SSM_PARAMETER = "AUTH_JWT_SECRET_SSM_PARAMETER"
AUTH_JWT_SECRET_ARN = "AUTH_JWT_SECRET_ARN"
AUTH_WRITE_CLAIM = "AUTH_WRITE_CLAIM"
AUTH_WRITE_ROLES = "AUTH_WRITE_ROLES"
AUTH_READ_ROLES = "AUTH_READ_ROLES"
AUTH_SERVICE_ROLE = "AUTH_SERVICE_ROLE"
AUTH_DEALER_CLAIM = "AUTH_DEALER_CLAIM"
AUTH_LEEWAY_SECONDS = "AUTH_LEEWAY_SECONDS"
AUTH_JWKS_MAX_AGE = "AUTH_JWKS_MAX_AGE"
AUTH_JWKS_REFETCH_SECONDS = "AUTH_JWKS_REFETCH_SECONDS"
AUTH_JWKS_TIMEOUT_MS = "AUTH_JWKS_TIMEOUT_MS"

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class Settings(NamedTuple):
    """Typed view of the environment. Build with `Settings.from_env`, read with `get_settings`.

    A NamedTuple, not a frozen dataclass: on Python 3.11 the dataclass's generated methods cost
    every cold start about 3 ms more (docs/performance.md, round 4)."""

    database_url: str | None = None
    database_url_ssm_parameter: str | None = None
    database_secret_arn: str | None = None
    database_secret_max_age: int = 300
    db_connect_timeout: int = 5
    db_statement_timeout_ms: int = 5000
    db_prepared_statements: bool = False
    db_request_deadline_ms: int = 8000
    migration_lock_timeout_ms: int = 3000
    cors_origins: tuple[str, ...] = ("*",)
    vin_check_digit: bool = True
    cursor_secret: str = ""  # signs list cursors; never logged (see __repr__)
    log_level: str = "INFO"
    log_format: str = "json"
    service_name: str = "vehicle-inventory"
    metrics_namespace: str = "VehicleInventory"
    tracing: bool = False
    lambda_function_name: str | None = None
    # Who may write (and, with auth_read, read): see shared.auth and the README.
    auth_write: bool = True
    auth_read: bool = False
    jwks_url: str | None = None
    auth_issuer: str | None = None
    auth_audience: str = "authenticated"
    auth_jwt_secret: str | None = None
    auth_jwt_secret_ssm_parameter: str | None = None
    auth_jwt_secret_arn: str | None = None
    auth_write_claim: str = "app_metadata.inventory_role"
    auth_write_roles: tuple[str, ...] = ("writer", "admin")
    auth_read_roles: tuple[str, ...] = ("reader",)
    auth_service_role: bool = True
    auth_dealer_claim: str = "app_metadata.dealer_names"
    auth_leeway_seconds: int = 30
    auth_jwks_max_age: int = 600
    auth_jwks_refetch_seconds: int = 30
    auth_jwks_timeout_ms: int = 2000

    def __repr__(self) -> str:
        shown = (
            f"{k}={v!r}" for k, v in zip(self._fields, self, strict=True) if k != "cursor_secret"
        )
        return f"Settings({', '.join(shown)})"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Parse `env`; a malformed value raises `ConfigurationError` naming the variable."""

        def text(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        d = cls()  # the defaults, written once: on the fields above
        supabase = (text(SUPABASE_URL) or "").rstrip("/") or None
        return cls(
            database_url=text(DATABASE_URL),
            database_url_ssm_parameter=text(DATABASE_URL_SSM_PARAMETER),
            database_secret_arn=text(DATABASE_SECRET_ARN),
            database_secret_max_age=_integer(
                env, DATABASE_SECRET_MAX_AGE, d.database_secret_max_age, minimum=0
            ),
            db_connect_timeout=_integer(env, DB_CONNECT_TIMEOUT, d.db_connect_timeout, minimum=1),
            db_statement_timeout_ms=_integer(
                env, DB_STATEMENT_TIMEOUT_MS, d.db_statement_timeout_ms, minimum=0
            ),
            db_prepared_statements=_flag(
                env, DB_PREPARED_STATEMENTS, default=d.db_prepared_statements
            ),
            db_request_deadline_ms=_integer(
                env, DB_REQUEST_DEADLINE_MS, d.db_request_deadline_ms, minimum=1
            ),
            migration_lock_timeout_ms=_integer(
                env, MIGRATION_LOCK_TIMEOUT_MS, d.migration_lock_timeout_ms, minimum=0
            ),
            cors_origins=_origins(env.get(CORS_ORIGINS, "")),
            vin_check_digit=_flag(env, VIN_CHECK_DIGIT, default=d.vin_check_digit),
            cursor_secret=env.get(CURSOR_SECRET, "").strip(),
            log_level=_choice(env, LOG_LEVEL, ("DEBUG", "INFO", "WARNING", "ERROR"), d.log_level),
            log_format=_choice(env, LOG_FORMAT, ("JSON", "PLAIN"), d.log_format.upper()).lower(),
            service_name=text(SERVICE_NAME) or d.service_name,
            metrics_namespace=text(METRICS_NAMESPACE) or d.metrics_namespace,
            tracing=not _flag(env, TRACING, default=not d.tracing),
            lambda_function_name=text(LAMBDA_FUNCTION_NAME),
            auth_write=_flag(env, AUTH_WRITE, default=d.auth_write),
            auth_read=_flag(env, AUTH_READ, default=d.auth_read),
            jwks_url=text(AUTH_JWKS_URL)
            or (supabase and f"{supabase}/auth/v1/.well-known/jwks.json"),
            auth_issuer=text(AUTH_ISSUER) or (supabase and f"{supabase}/auth/v1"),
            auth_audience=text(AUTH_AUDIENCE) or d.auth_audience,
            auth_jwt_secret=text(AUTH_JWT_SECRET),
            auth_jwt_secret_ssm_parameter=text(AUTH_JWT_SECRET_SSM_PARAMETER),
            auth_jwt_secret_arn=text(AUTH_JWT_SECRET_ARN),
            auth_write_claim=text(AUTH_WRITE_CLAIM) or d.auth_write_claim,
            auth_write_roles=_names(env, AUTH_WRITE_ROLES, d.auth_write_roles),
            auth_read_roles=_names(env, AUTH_READ_ROLES, d.auth_read_roles),
            auth_service_role=_flag(env, AUTH_SERVICE_ROLE, default=d.auth_service_role),
            auth_dealer_claim=text(AUTH_DEALER_CLAIM) or d.auth_dealer_claim,
            auth_leeway_seconds=_integer(
                env, AUTH_LEEWAY_SECONDS, d.auth_leeway_seconds, minimum=0
            ),
            auth_jwks_max_age=_integer(env, AUTH_JWKS_MAX_AGE, d.auth_jwks_max_age, minimum=0),
            auth_jwks_refetch_seconds=_integer(
                env, AUTH_JWKS_REFETCH_SECONDS, d.auth_jwks_refetch_seconds, minimum=0
            ),
            auth_jwks_timeout_ms=_integer(
                env, AUTH_JWKS_TIMEOUT_MS, d.auth_jwks_timeout_ms, minimum=1
            ),
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


def _names(env: Mapping[str, str], name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    """A comma-separated list; set but empty means none (nobody gets in by that claim)."""
    raw = env.get(name)
    if raw is None:
        return default
    return tuple(part.strip() for part in raw.split(",") if part.strip())
