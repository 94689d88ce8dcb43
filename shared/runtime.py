"""What one Lambda container (or command-line process) holds: its database, built on first use.

The composition root: the data layer's `Database` gets its URL from `shared.ops.secrets` and
reports each round trip to `shared.ops.telemetry`, so neither import the other.
"""

from __future__ import annotations

from functools import cache

from shared.data.database import Database
from shared.ops import secrets, telemetry
from shared.ops.settings import get_settings


@cache
def get_database() -> Database:
    """The database of this container, created on first use."""
    settings = get_settings()
    return Database(settings, url_source=secrets.url_source(settings), span=telemetry.db_span)


def local_database() -> Database:
    """`DATABASE_URL` (or its secret) when configured, else the embedded development database."""
    settings = get_settings()
    configured = (
        settings.database_url or settings.database_url_ssm_parameter or settings.database_secret_arn
    )
    if configured or settings.lambda_function_name:
        return get_database()
    from shared.dev import postgres  # noqa: PLC0415 - needs pgserver, a development dependency

    url = postgres.command_database_url()  # stopped at exit if this process started it
    return Database(settings, url_source=lambda *, refresh=False: url, span=telemetry.db_span)  # noqa: ARG005
