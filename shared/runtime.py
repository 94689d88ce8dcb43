"""What the command-line tools share: the database to use on a developer's machine."""

from __future__ import annotations

from shared.data.database import Database, get_database
from shared.ops.settings import get_settings


def local_database() -> Database:
    """`DATABASE_URL` (or its secret) when configured, else the embedded development database."""
    settings = get_settings()
    configured = (
        settings.database_url or settings.database_url_ssm_parameter or settings.database_secret_arn
    )
    if configured or settings.lambda_function_name:
        return get_database()
    from shared.dev import postgres  # noqa: PLC0415 - needs pgserver, a development dependency

    url = postgres.database_url()
    return Database(settings, url_source=lambda *, refresh=False: url)  # noqa: ARG005
