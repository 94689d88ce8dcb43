"""POST /api/vehicles with Supabase access tokens: real ES256, RS256 and HS256 signatures against
a JWKS served locally; every way a token can be wrong, and the JWKS being away."""

from __future__ import annotations

import json
from typing import Any

import pytest

from functions import create_vehicle
from shared.data.database import Database
from shared.ops.settings import get_settings
from tests.fixtures.api import assert_matches_openapi, new_vehicle, stored_vins
from tests.fixtures.auth import (
    JwksServer,
    SigningKey,
    sign,
    sign_hs256,
    unsigned,
)
from tests.fixtures.events import Reply, http_api_event, invoke

VIN = "1HGCM82633A004352"
HOUR = 3600


def post(headers: dict[str, str] | None = None) -> Reply:
    event = http_api_event("POST", "/api/vehicles", body=json.dumps(new_vehicle()), headers=headers)
    return invoke(create_vehicle.handler, event)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def api(auth_env: pytest.MonkeyPatch, db: Database) -> Database:
    return db


@pytest.mark.parametrize("which", ["es", "rsa"], ids=["ES256", "RS256"])
def test_a_writer_token_signed_by_a_published_key_creates_the_vehicle(
    api: Database, signing_keys: dict[str, SigningKey], which: str
) -> None:
    reply = post(bearer(sign(signing_keys[which])))
    assert reply.status == 201, reply.body
    assert stored_vins(api) == [VIN]


def test_a_legacy_hs256_token_signed_with_the_shared_secret_creates_the_vehicle(
    api: Database,
) -> None:
    assert post(bearer(sign_hs256())).status == 201
    assert stored_vins(api) == [VIN]


def test_a_service_role_token_may_write_without_the_claim(
    api: Database, signing_keys: dict[str, SigningKey]
) -> None:
    token = sign(signing_keys["es"], role="service_role", app_metadata={})
    assert post(bearer(token)).status == 201


def _now_offset(seconds: int) -> int:
    import time  # noqa: PLC0415 - only these cases need the clock

    return int(time.time()) + seconds


@pytest.mark.parametrize(
    ("overrides", "detail"),
    [
        ({"exp": -HOUR}, "Token expired."),
        ({"nbf": HOUR}, "Token not yet valid (nbf or iat in the future)."),
        ({"iss": "https://other.supabase.co/auth/v1"}, "Token has the wrong issuer (iss)."),
        ({"aud": "anon"}, "Token has the wrong audience (aud)."),
        ({"exp": None}, "Token lacks the 'exp' claim."),
    ],
    ids=["expired", "not-yet-valid", "wrong-iss", "wrong-aud", "no-exp"],
)
def test_a_token_with_a_bad_claim_is_401_invalid_token_saying_which(
    api: Database, signing_keys: dict[str, SigningKey], overrides: dict[str, Any], detail: str
) -> None:
    timed = {k: _now_offset(v) if k in {"exp", "nbf"} and v else v for k, v in overrides.items()}
    token = sign(signing_keys["es"], **timed)
    reply = post(bearer(token))
    assert (reply.status, reply.json()) == (401, {"detail": detail})
    challenge = reply.headers["www-authenticate"]
    assert challenge.startswith('Bearer realm="vehicle-inventory", error="invalid_token"')
    assert token not in reply.body + challenge
    assert stored_vins(api) == []
    assert_matches_openapi(reply, "POST", "/api/vehicles")


def test_an_expiry_within_the_leeway_is_still_accepted(
    api: Database, signing_keys: dict[str, SigningKey]
) -> None:
    assert post(bearer(sign(signing_keys["es"], exp=_now_offset(-5)))).status == 201


def test_a_signed_in_user_without_the_write_claim_is_403(
    api: Database, signing_keys: dict[str, SigningKey]
) -> None:
    for metadata in ({}, {"inventory_role": "viewer"}):
        reply = post(bearer(sign(signing_keys["es"], app_metadata=metadata)))
        assert reply.status == 403
        assert reply.json()["detail"].startswith("Signed in, but not allowed")
        assert 'error="insufficient_scope"' in reply.headers["www-authenticate"]
    assert stored_vins(api) == []


def test_the_write_claim_and_roles_are_configurable(
    api: Database, auth_env: pytest.MonkeyPatch, signing_keys: dict[str, SigningKey]
) -> None:
    auth_env.setenv("AUTH_WRITE_CLAIM", "app_metadata.roles")
    auth_env.setenv("AUTH_WRITE_ROLES", "inventory-editor")
    get_settings.cache_clear()
    token = sign(signing_keys["es"], app_metadata={"roles": ["sales", "inventory-editor"]})
    assert post(bearer(token)).status == 201
    assert post(bearer(sign(signing_keys["es"]))).status == 403  # "writer" no longer counts


def test_an_unsigned_alg_none_token_is_401(api: Database) -> None:
    reply = post(bearer(unsigned()))
    assert (reply.status, reply.json()) == (
        401,
        {"detail": "Token algorithm 'none' is not accepted."},
    )


def test_an_hs256_token_signed_with_the_public_key_bytes_is_401(
    api: Database, signing_keys: dict[str, SigningKey]
) -> None:
    forged = sign_hs256(signing_keys["rsa"].public_pem())
    reply = post(bearer(forged))
    assert (reply.status, reply.json()) == (401, {"detail": "Token signature does not verify."})
    assert stored_vins(api) == []


def test_without_a_shared_secret_hs256_tokens_are_refused_outright(
    api: Database, auth_env: pytest.MonkeyPatch, signing_keys: dict[str, SigningKey]
) -> None:
    auth_env.delenv("AUTH_JWT_SECRET")
    get_settings.cache_clear()
    reply = post(bearer(sign_hs256(signing_keys["es"].public_pem())))
    assert reply.status == 401
    assert "HS256 tokens are not accepted" in reply.json()["detail"]


def test_a_tampered_payload_is_401(api: Database, signing_keys: dict[str, SigningKey]) -> None:
    header, _, signature = sign(signing_keys["es"], app_metadata={}).split(".")
    tampered = json.dumps({**json.loads(_decode(sign(signing_keys["es"]).split(".")[1]))})
    token = f"{header}.{_encode(tampered)}.{signature}"
    reply = post(bearer(token))
    assert (reply.status, reply.json()) == (401, {"detail": "Token signature does not verify."})


# The header alone picks the key; the rest of the token is PyJWT's to read, and refuse.
MANGLED = [
    ("{header}.{payload}!.{signature}", "Malformed token."),
    ("{header}.{payload}.{signature}!", "Malformed token."),
    ("{header}.{payload}", "Malformed token: not a JWT."),
    ("{header}.{payload}.{signature}.{signature}", "Malformed token: not a JWT."),
    ("{header}!.{payload}.{signature}", "Malformed token: not a JWT."),
]


@pytest.mark.parametrize(("form", "detail"), MANGLED, ids=[form for form, _ in MANGLED])
def test_a_token_well_signed_but_mangled_is_401(
    api: Database, signing_keys: dict[str, SigningKey], form: str, detail: str
) -> None:
    header, payload, signature = sign(signing_keys["es"]).split(".")
    token = form.format(header=header, payload=payload, signature=signature)
    reply = post(bearer(token))
    assert (reply.status, reply.json()) == (401, {"detail": detail})
    assert stored_vins(api) == []


def _decode(part: str) -> str:
    import base64  # noqa: PLC0415

    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)).decode()


def _encode(text: str) -> str:
    import base64  # noqa: PLC0415

    return base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode()


def test_a_key_type_that_does_not_match_the_algorithm_is_401(
    api: Database, signing_keys: dict[str, SigningKey]
) -> None:
    rsa = signing_keys["rsa"]
    lying = SigningKey("es-1", "RS256", rsa.private, rsa.public_jwk)  # claims the EC key's kid
    reply = post(bearer(sign(lying)))
    assert reply.status == 401
    assert reply.json()["detail"] == "Token algorithm RS256 does not match its key."


@pytest.mark.parametrize(
    ("headers", "detail"),
    [
        ({}, "Credentials required: Authorization: Bearer <token> or X-API-Key: <key>."),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, "Authorization must be 'Bearer <credential>'."),
        ({"Authorization": "Bearer not-a-jwt"}, "Malformed token: not a JWT."),
    ],
    ids=["none", "basic", "garbage"],
)
def test_a_missing_or_malformed_credential_is_401(
    api: Database, headers: dict[str, str], detail: str
) -> None:
    reply = post(headers)
    assert (reply.status, reply.json()) == (401, {"detail": detail})
    assert reply.headers["www-authenticate"].startswith('Bearer realm="vehicle-inventory"')


def test_no_credential_gets_a_challenge_without_an_error_code(api: Database) -> None:
    assert post().headers["www-authenticate"] == 'Bearer realm="vehicle-inventory"'  # RFC 6750 3.1


def test_an_unknown_kid_is_401_until_the_rotated_jwks_publishes_it(
    api: Database,
    auth_env: pytest.MonkeyPatch,
    jwks_server: JwksServer,
    signing_keys: dict[str, SigningKey],
) -> None:
    auth_env.setenv("AUTH_JWKS_REFETCH_SECONDS", "0")
    get_settings.cache_clear()
    assert post(bearer(sign(signing_keys["es"]))).status == 201
    rotated = bearer(sign(signing_keys["rotated"]))
    reply = post(rotated)
    assert (reply.status, reply.json()) == (401, {"detail": "Token is signed by an unknown key."})
    jwks_server.publish(signing_keys["rotated"], signing_keys["es"])
    assert post(rotated).status == 409  # verified now: the VIN is simply taken
    assert jwks_server.fetches == 3  # first use, then once per unknown kid


def test_unknown_kids_refetch_the_jwks_at_most_once_per_interval(
    api: Database, jwks_server: JwksServer, signing_keys: dict[str, SigningKey]
) -> None:
    assert post(bearer(sign(signing_keys["es"]))).status == 201
    for _ in range(5):
        assert post(bearer(sign(signing_keys["rotated"]))).status == 401
    assert jwks_server.fetches == 1  # fetched less than the default 30 s ago: not again
    assert post(bearer(sign(signing_keys["rsa"]))).status == 409  # known keys still work


@pytest.mark.parametrize("where", ["refused", "silent"])
def test_an_unreachable_jwks_is_503_with_retry_after_not_a_hang_or_500(
    api: Database,
    auth_env: pytest.MonkeyPatch,
    signing_keys: dict[str, SigningKey],
    silent_port: int,
    where: str,
) -> None:
    from tests.fixtures.api import unreachable_database_url  # noqa: PLC0415 - a closed port

    closed = unreachable_database_url().rsplit(":", 1)[1].split("/")[0]
    port = silent_port if where == "silent" else int(closed)
    auth_env.setenv("AUTH_JWKS_URL", f"http://127.0.0.1:{port}/jwks.json")
    auth_env.setenv("AUTH_JWKS_TIMEOUT_MS", "300")
    get_settings.cache_clear()
    reply = post(bearer(sign(signing_keys["es"])))
    assert (reply.status, reply.json()) == (
        503,
        {"detail": "Sign-in keys unavailable; try again shortly."},
    )
    assert reply.headers["retry-after"] == "5"
    assert stored_vins(api) == []
