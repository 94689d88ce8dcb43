"""Supabase Auth access tokens: the signature, then `iss`, `aud`, `exp` and `nbf`.

The token's header picks the key, never the other way round: ES256 and RS256 verify only
against the JWKS key named by `kid` (whose type must match the algorithm), HS256 only against
the configured shared secret; `none` and anything else are refused. So an HS256 token signed
with a public key's bytes never meets that public key. PyJWT (with `cryptography`) does the
cryptography; it costs about 110 ms of imports, so it is imported on the first token, not at
the function's cold start. The header is read from the token's first segment alone: PyJWT's
`get_unverified_header` decodes and checks every segment (the payload character by character),
all of which `jwt.decode` does again.
"""

from __future__ import annotations

from typing import Any

from shared.auth import jwks
from shared.errors import AuthenticationError, ConfigurationError
from shared.ops import secrets
from shared.ops.settings import AUTH_ISSUER, Settings

ASYMMETRIC = ("ES256", "RS256")
SHARED_SECRET = "HS256"  # noqa: S105 - an algorithm name, not a secret
_REQUIRED = ["exp", "iss", "aud", "sub"]


def verify(token: str, settings: Settings) -> dict[str, Any]:
    """The claims of `token` once its signature and claims check out; `AuthenticationError`
    (401) saying what is wrong otherwise. The detail never contains the token."""
    import jwt  # noqa: PLC0415 - see the module docstring

    header = _header(token)
    algorithm = header.get("alg")
    key: Any
    if algorithm in ASYMMETRIC:
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise AuthenticationError("Token names no signing key (kid).")
        jwk = jwks.key_set(settings).key(kid)
        if jwk.algorithm_name != algorithm:
            raise AuthenticationError(f"Token algorithm {algorithm} does not match its key.")
        key = jwk.key
    elif algorithm == SHARED_SECRET:
        secret = secrets.jwt_secret(settings)
        if not secret:
            raise AuthenticationError("HS256 tokens are not accepted here (no shared secret).")
        key = secret
    else:
        raise AuthenticationError(f"Token algorithm {str(algorithm)[:20]!r} is not accepted.")
    issuer = settings.auth_issuer
    if not issuer:
        raise ConfigurationError(f"{AUTH_ISSUER} (or SUPABASE_URL) is required to verify tokens")
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=[algorithm],
            audience=settings.auth_audience,
            issuer=issuer,
            leeway=settings.auth_leeway_seconds,
            options={"require": _REQUIRED},
        )
    except jwt.InvalidTokenError as err:
        raise AuthenticationError(_reason(err)) from None
    return claims


def _header(token: str) -> dict[str, Any]:
    """The token's unverified header, which only picks the key (`jwt.decode` reads it again and
    checks all of it), read from the first of the compact form's three segments alone."""
    import jwt  # noqa: PLC0415 - imported already by verify

    head, *rest = token.split(".")
    try:
        header = jwt.get_unverified_header(f"{head}..") if len(rest) == 2 else None
    except jwt.InvalidTokenError:
        header = None
    if header is None:
        raise AuthenticationError("Malformed token: not a JWT.")
    return header


def _reason(err: Exception) -> str:
    import jwt  # noqa: PLC0415 - imported already by verify

    reasons: list[tuple[type[Exception], str]] = [
        (jwt.ExpiredSignatureError, "Token expired."),
        (jwt.ImmatureSignatureError, "Token not yet valid (nbf or iat in the future)."),
        (jwt.InvalidAudienceError, "Token has the wrong audience (aud)."),
        (jwt.InvalidIssuerError, "Token has the wrong issuer (iss)."),
        (jwt.InvalidSignatureError, "Token signature does not verify."),
    ]
    if isinstance(err, jwt.MissingRequiredClaimError):
        return f"Token lacks the {err.claim!r} claim."
    return next((text for cls, text in reasons if isinstance(err, cls)), "Malformed token.")
