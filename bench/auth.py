"""Warm POST /api/vehicles with each kind of credential against the same POST with write auth
off, interleaved (`bench.stats.interleaved`): an ES256 token verified against a local JWKS
(cached after the first request, as in a warm container), and an API key checked inside the
INSERT. Write auth is switched on or off by the first call of a loop that needs the other
setting: one rebuild of the settings (about 80 us) in a loop of `calls` POSTs."""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Callable, Iterator
from typing import Any

from bench.stats import Row, interleaved, ratio_row
from shared.auth import keys
from shared.ops.settings import get_settings
from shared.runtime import get_database
from tests.fixtures.api import make_vin, new_vehicle
from tests.fixtures.auth import ISSUER, ec_key, serve_jwks, sign
from tests.fixtures.events import LambdaContext, http_api_event

CONTEXT = LambdaContext()


def _settings(**env: str) -> None:
    os.environ.update(env)
    get_settings.cache_clear()


def _poster(
    auth: str, headers: dict[str, str], serials: Iterator[int], count: int
) -> Callable[[], None]:
    """POSTs with `headers`, write auth set to `auth` ("on" or "off") for each."""
    from functions import create_vehicle  # noqa: PLC0415

    # Events are built beforehand: building them is not the handler's cost.
    events: list[dict[str, Any]] = [
        http_api_event(
            "POST", "/api/vehicles", body=json.dumps(new_vehicle(vin=make_vin(n))), headers=headers
        )
        for n in itertools.islice(serials, count)
    ]
    queue = iter(events)

    def post() -> None:
        if os.environ["AUTH_WRITE"] != auth:  # the first call of this variant's loop
            _settings(AUTH_WRITE=auth)
        answer = create_vehicle.handler(next(queue), CONTEXT)
        assert answer["statusCode"] == 201, answer

    return post


def rows(*, calls: int, label: str = "") -> list[Row]:
    serials = itertools.count(500_000)
    signing = ec_key("bench-es")
    key = keys.create(db=get_database(), name="bench")[1]
    per_run = 8 * calls + 100  # the warm-up and the seven timed loops of `interleaved`
    saved = {name: os.environ.get(name) for name in ("AUTH_WRITE", "AUTH_JWKS_URL", "AUTH_ISSUER")}
    try:
        with serve_jwks(signing) as jwks:
            _settings(AUTH_WRITE="off", AUTH_JWKS_URL=jwks.url, AUTH_ISSUER=ISSUER)
            token = {"Authorization": f"Bearer {sign(signing, exp=2**31 - 1)}"}
            samples = interleaved(
                {
                    "off": _poster("off", {}, serials, per_run),
                    "token": _poster("on", token, serials, per_run),
                    "key": _poster("on", {"X-API-Key": key}, serials, per_run),
                },
                per_loop=calls,
            )
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        get_settings.cache_clear()
    off = samples["off"]
    return [
        Row(f"{label}warm POST /api/vehicles, write auth off", off),
        ratio_row(
            f"{label}warm POST with a Supabase JWT (ES256)", samples["token"], off, at_most=1.5
        ),
        ratio_row(
            f"{label}warm POST with an API key (checked in the INSERT)",
            samples["key"],
            off,
            at_most=1.3,
        ),
    ]
