"""Where the database URL comes from, so the password can stay out of plain environment variables.

In order: `DATABASE_URL`; the SSM Parameter Store SecureString named by
`DATABASE_URL_SSM_PARAMETER`; the Secrets Manager secret named by `DATABASE_SECRET_ARN`, holding
either a URL or RDS/Supabase-style JSON (`host`, `port`, `username`, `password`, `dbname`).
Fetched on first use with Powertools Parameters (boto3 is imported then, not at import time) and
cached for `DATABASE_SECRET_MAX_AGE` seconds; `refresh=True` fetches again, for a rotated password.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlencode

from shared.errors import (
    AppError,
    AuthUnavailableError,
    ConfigurationError,
    DatabaseUnavailableError,
)
from shared.ops import logs, redact
from shared.ops.settings import (
    AUTH_JWT_SECRET_ARN,
    AUTH_JWT_SECRET_SSM_PARAMETER,
    DATABASE_SECRET_ARN,
    DATABASE_URL_SSM_PARAMETER,
    Settings,
)

# AWS error codes that a retry will not fix: the operator has to create the secret or grant access.
_MISCONFIGURED = {
    "AccessDenied",
    "AccessDeniedException",
    "DecryptionFailure",
    "InvalidKeyId",
    "InvalidParameterException",
    "InvalidRequestException",
    "ParameterNotFound",
    "ParameterVersionNotFound",
    "ResourceNotFoundException",
    "UnrecognizedClientException",
    "ValidationException",
}
_POSTGRES_ENGINES = {"postgres", "postgresql", "aurora-postgresql"}
_URL_OPTIONS = ("sslmode", "sslrootcert", "options")


def database_url(settings: Settings, *, refresh: bool = False) -> str:
    """The database URL from the first configured source; `refresh=True` bypasses the cache."""
    if settings.database_url:
        url = settings.database_url
    elif settings.database_url_ssm_parameter:
        name = settings.database_url_ssm_parameter
        value = _from_ssm(name, settings, refresh=refresh)
        url = url_from_secret(value, source=f"{DATABASE_URL_SSM_PARAMETER} {name}")
    elif settings.database_secret_arn:
        name = settings.database_secret_arn
        value = _from_secrets_manager(name, settings, refresh=refresh)
        url = url_from_secret(value, source=f"{DATABASE_SECRET_ARN} {name}")
    else:
        raise ConfigurationError(
            f"DATABASE_URL is required (or {DATABASE_URL_SSM_PARAMETER}, the name of an SSM "
            f"SecureString holding it, or {DATABASE_SECRET_ARN}, a Secrets Manager secret)"
        )
    logs.hide(redact.password_of(url))
    return url


def jwt_secret(settings: Settings) -> str | None:
    """The legacy Supabase JWT secret (HS256), read like the database URL: `AUTH_JWT_SECRET`,
    else the SSM SecureString or Secrets Manager secret named by its `_SSM_PARAMETER`/`_ARN`
    variants (cached the same way); None when none is configured."""
    if settings.auth_jwt_secret:
        secret = settings.auth_jwt_secret
    elif settings.auth_jwt_secret_ssm_parameter:
        name = settings.auth_jwt_secret_ssm_parameter
        where = f"SSM parameter {name!r} ({AUTH_JWT_SECRET_SSM_PARAMETER})"
        secret = _from_ssm(name, settings, refresh=False, what=("the JWT secret", where))
    elif settings.auth_jwt_secret_arn:
        name = settings.auth_jwt_secret_arn
        where = f"Secrets Manager secret {name!r} ({AUTH_JWT_SECRET_ARN})"
        secret = _from_secrets_manager(
            name, settings, refresh=False, what=("the JWT secret", where)
        )
    else:
        return None
    secret = secret.strip()
    logs.hide(secret)
    return secret or None


def url_source(settings: Settings) -> Callable[..., str]:
    """`database_url` bound to `settings`, for `Database(settings, url_source=...)`."""

    def source(*, refresh: bool = False) -> str:
        return database_url(settings, refresh=refresh)

    return source


def clear_cache() -> None:
    """Forget every fetched value and AWS client, as a new container would (tests)."""
    from aws_lambda_powertools.utilities import parameters  # noqa: PLC0415 - imports boto3

    parameters.clear_caches()  # type: ignore[no-untyped-call]


def url_from_secret(secret: str, *, source: str = "the secret") -> str:
    """A secret's text as a URL: returned as is, or built (URL-encoded) from RDS-style JSON."""
    text = secret.strip()
    if not text.startswith("{"):
        return text
    try:
        fields = json.loads(text)
    except ValueError:
        raise ConfigurationError(f"{source} starts with '{{' but is not valid JSON") from None
    if not isinstance(fields, dict):
        raise ConfigurationError(f"{source} must be a URL or a JSON object")
    logs.hide(str(fields.get("password") or ""))
    missing = [key for key in ("host", "username", "password") if not fields.get(key)]
    if missing:
        raise ConfigurationError(f"{source} lacks {', '.join(missing)}")
    engine = str(fields.get("engine") or "postgres").lower()
    if engine not in _POSTGRES_ENGINES:
        raise ConfigurationError(f"{source} is for engine {engine!r}, not PostgreSQL")
    try:
        port = int(fields.get("port") or 5432)
    except (TypeError, ValueError):
        raise ConfigurationError(f"{source} has a port that is not a number") from None
    host = str(fields["host"])
    options = {key: str(fields[key]) for key in _URL_OPTIONS if fields.get(key)}
    if host.startswith("/"):  # a Unix socket directory goes in the query string
        host, options = "", {"host": host, **options}
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 address
    user = quote(str(fields["username"]), safe="")
    password = quote(str(fields["password"]), safe="")
    dbname = quote(str(fields.get("dbname") or "postgres"), safe="")
    query = urlencode(options)
    return f"postgresql://{user}:{password}@{host}:{port}/{dbname}" + (f"?{query}" if query else "")


def _from_ssm(
    name: str, settings: Settings, *, refresh: bool, what: tuple[str, str] | None = None
) -> str:
    from aws_lambda_powertools.utilities import parameters  # noqa: PLC0415 - imports boto3

    try:
        value = parameters.get_parameter(
            name, decrypt=True, max_age=settings.database_secret_max_age, force_fetch=refresh
        )
    except Exception as err:  # noqa: BLE001 - boto3 and Powertools errors, classified below
        where = f"SSM parameter {name!r} ({DATABASE_URL_SSM_PARAMETER})"
        raise _fetch_error(*(what or ("the database URL", where)), err) from None
    return value


def _from_secrets_manager(
    name: str, settings: Settings, *, refresh: bool, what: tuple[str, str] | None = None
) -> str:
    from aws_lambda_powertools.utilities import parameters  # noqa: PLC0415 - imports boto3

    try:
        value: str | bytes = parameters.get_secret(
            name, max_age=settings.database_secret_max_age, force_fetch=refresh
        )
    except Exception as err:  # noqa: BLE001 - boto3 and Powertools errors, classified below
        where = f"Secrets Manager secret {name!r} ({DATABASE_SECRET_ARN})"
        raise _fetch_error(*(what or ("the database URL", where)), err) from None
    return value.decode() if isinstance(value, bytes) else value


def _fetch_error(value: str, what: str, err: Exception) -> AppError:
    """A missing or forbidden secret is a configuration error; anything else may pass (503).

    Powertools wraps the botocore error in `GetParameterError(str(error))`: the code and message
    are AWS's (names and ARNs, never the value). The original is the exception's `__context__`.
    """
    cause: BaseException = err.__context__ or err
    code = _aws_error_code(cause)
    reason = str(cause) or type(cause).__name__
    if code in _MISCONFIGURED or type(cause).__name__ in {"NoCredentialsError", "NoRegionError"}:
        return ConfigurationError(f"cannot read {value} from {what}: {reason}")
    unavailable = DatabaseUnavailableError if value == "the database URL" else AuthUnavailableError
    return unavailable(f"cannot read {value} from {what}: {reason}")


def _aws_error_code(err: BaseException) -> str | None:
    response: Any = getattr(err, "response", None)
    if not isinstance(response, dict):
        return None
    code = response.get("Error", {}).get("Code")
    return str(code) if code else None
