"""The signing keys of the Supabase project (JWKS), fetched on first use and cached per container.

Refreshed when older than `AUTH_JWKS_MAX_AGE`; a token naming an unknown `kid` (a rotated key)
triggers a refetch, at most once per `AUTH_JWKS_REFETCH_SECONDS`, so a stream of forged `kid`s
cannot turn every request into a fetch. If a refresh fails, the keys already known keep working;
with none known the request gets 503. Only asymmetric keys (EC, RSA) are taken from the set.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from typing import TYPE_CHECKING, Any

from shared.errors import AuthenticationError, AuthUnavailableError
from shared.ops.settings import Settings

if TYPE_CHECKING:
    from jwt import PyJWK

logger = logging.getLogger(__name__)

_ASYMMETRIC = {"EC", "RSA"}
_sets: dict[str, KeySet] = {}
_lock = threading.Lock()


class KeySet:
    """The keys published at one JWKS URL, by `kid`."""

    def __init__(self, url: str, settings: Settings) -> None:
        self.url = url
        self._max_age = settings.auth_jwks_max_age
        self._refetch = settings.auth_jwks_refetch_seconds
        self._timeout = settings.auth_jwks_timeout_ms / 1000
        self._keys: dict[str, PyJWK] = {}
        self._fetched: float | None = None  # when the keys were last fetched successfully
        self._tried: float | None = None  # when a fetch was last attempted
        self.fetches = 0  # how many times the URL was requested (tests read it)

    def key(self, kid: str) -> PyJWK:
        """The key named `kid`, fetching the set first if it is missing, stale or lacks it."""
        with _lock:
            now = time.monotonic()
            if self._fetched is None or now - self._fetched >= self._max_age:
                self._refresh(now)
            elif kid not in self._keys and (
                self._tried is None or now - self._tried >= self._refetch
            ):
                self._refresh(now)  # perhaps a key rotated in since the last fetch
            found = self._keys.get(kid)
        if found is None:
            raise AuthenticationError("Token is signed by an unknown key.")
        return found

    def _refresh(self, now: float) -> None:
        self._tried = now
        try:
            keys = self._fetch()
        except Exception as err:  # network, HTTP and format errors alike: re-raised or logged
            if self._keys:
                logger.warning("JWKS refresh from %s failed, keeping known keys: %s", self.url, err)
                return
            logger.error("JWKS fetch from %s failed: %s", self.url, err)  # noqa: TRY400 - no trace
            raise AuthUnavailableError("Cannot fetch the sign-in keys (JWKS).") from err
        self._keys, self._fetched = keys, now

    def _fetch(self) -> dict[str, PyJWK]:
        import urllib.request  # noqa: PLC0415 - 40 ms of imports, only for JWT requests

        from jwt import PyJWK  # noqa: PLC0415 - see tokens.py: PyJWT is imported on first use

        self.fetches += 1
        request = urllib.request.Request(self.url, headers={"Accept": "application/json"})  # noqa: S310
        with urllib.request.urlopen(request, timeout=self._timeout) as response:  # noqa: S310
            document: Any = json.loads(response.read())
        keys: dict[str, PyJWK] = {}
        for entry in document.get("keys", []) if isinstance(document, dict) else []:
            if not isinstance(entry, dict) or entry.get("kty") not in _ASYMMETRIC:
                continue
            if not entry.get("kid") or entry.get("use", "sig") != "sig":
                continue
            try:
                keys[str(entry["kid"])] = PyJWK(entry)
            except Exception as err:  # noqa: BLE001 - one unusable key must not hide the others
                logger.warning("JWKS key %s skipped: %s", entry.get("kid"), err)
        if not keys:
            raise ValueError("the JWKS holds no usable EC or RSA signing key")
        return keys


def key_set(settings: Settings) -> KeySet:
    """The container's cache for the configured JWKS URL."""
    url = settings.jwks_url
    if not url:
        raise AuthenticationError(
            "Sign-in tokens are not accepted here: no JWKS is configured (SUPABASE_URL)."
        )
    with _lock:
        found = _sets.get(url)
        if found is None:
            found = _sets[url] = KeySet(url, settings)
    return found


def clear() -> None:
    """Forget every fetched key set, as a new container would (tests)."""
    with _lock:
        _sets.clear()
