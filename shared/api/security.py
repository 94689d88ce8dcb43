"""Credentials on the HTTP side: the OpenAPI security schemes (Swagger UI's "Authorize" offers
both) and the dependencies that ask `shared.auth.access` who is calling.

Writes declare the two schemes (either will do). Reads declare them as optional (`{}` first:
no credential needed) since they need one only when `AUTH_READ` is on.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from shared.auth import access
from shared.auth.access import Caller
from shared.ops.settings import get_settings
from shared.runtime import get_database

TOKEN_SCHEME = "SupabaseAccessToken"  # noqa: S105 - a scheme name, not a secret
KEY_SCHEME = "ApiKey"
READ_ERRORS = (401, 403)
READ_SECURITY: dict[str, Any] = {"security": [{}, {TOKEN_SCHEME: []}, {KEY_SCHEME: []}]}

_token = HTTPBearer(
    scheme_name=TOKEN_SCHEME,
    bearerFormat="JWT",
    description="A Supabase Auth access token of a user granted a write role "
    "(app_metadata.inventory_role by default). `Bearer vik_...` (an API key) works too.",
    auto_error=False,
)
_key = APIKeyHeader(
    name="X-API-Key",
    scheme_name=KEY_SCHEME,
    description='An API key from `python -m shared.auth keys create "DMS feed"` (vik_...).',
    auto_error=False,
)


async def writer(
    request: Request,
    _token_given: Annotated[HTTPAuthorizationCredentials | None, Security(_token)],
    _key_given: Annotated[str | None, Security(_key)],
) -> Caller:
    """Who is writing: 401 without a valid credential, 403 when it may not write. An API key is
    checked by the write's own statement (one round trip)."""
    headers = request.headers
    return access.for_write(
        get_settings(), authorization=headers.get("authorization"), api_key=headers.get("x-api-key")
    )


async def reader(request: Request) -> Caller:
    """Who is reading: anyone unless `AUTH_READ` is on."""
    settings = get_settings()
    if not settings.auth_read:
        return access.PUBLIC
    headers = request.headers
    return access.for_read(
        settings,
        get_database(),
        authorization=headers.get("authorization"),
        api_key=headers.get("x-api-key"),
    )
