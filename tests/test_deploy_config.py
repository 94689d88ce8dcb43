"""What `serverless.yml` resolves to (`osls print`): CORS from the app's own declaration and
CORS_ORIGINS, stage throttling, and concurrency caps that fit the pooler's client limit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from shared.api import cors
from shared.ops.settings import Settings

REPO = Path(__file__).resolve().parent.parent
SERVERLESS = REPO / "node_modules" / ".bin" / "osls"
ORIGINS = "https://inventory.example.com, https://admin.example.com/"

pytestmark = pytest.mark.skipif(
    not SERVERLESS.exists(), reason="node_modules/.bin/osls not found: run `npm ci` first"
)


def resolved(**env: str) -> dict[str, Any]:
    result = subprocess.run(
        [str(SERVERLESS), "print", "--format", "json"],
        cwd=REPO,
        env={
            **os.environ,
            "SLS_TELEMETRY_DISABLED": "1",
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    config: dict[str, Any] = json.loads(result.stdout)
    return config


@pytest.fixture(scope="module")
def config() -> dict[str, Any]:
    return resolved(CORS_ORIGINS=ORIGINS)


def test_api_gateway_and_offline_cors_match_the_app(config: dict[str, Any]) -> None:
    declared = cors.policy()
    origins = list(Settings.from_env({"CORS_ORIGINS": ORIGINS}).cors_origins)
    offline = config["provider"]["httpApi"]["cors"]
    assert offline == {**declared, "allowedOrigins": origins}
    gateway = config["resources"]["extensions"]["HttpApi"]["Properties"]["CorsConfiguration"]
    assert gateway == {
        "AllowOrigins": origins,
        "AllowMethods": declared["allowedMethods"],
        "AllowHeaders": declared["allowedHeaders"],
        "ExposeHeaders": declared["exposedResponseHeaders"],
        "MaxAge": declared["maxAge"],
    }
    assert {"PATCH", "DELETE"} <= set(declared["allowedMethods"])
    assert {"Authorization", "X-API-Key"} <= set(declared["allowedHeaders"])


def test_no_origin_setting_means_any_origin_on_both_sides() -> None:
    offline = resolved(CORS_ORIGINS="")["provider"]["httpApi"]["cors"]
    assert offline["allowedOrigins"] == list(Settings.from_env({}).cors_origins) == ["*"]


def test_the_stage_is_throttled(config: dict[str, Any]) -> None:
    stage = config["resources"]["extensions"]["HttpApiStage"]["Properties"]
    limits = stage["DefaultRouteSettings"]
    assert float(limits["ThrottlingRateLimit"]) > 0
    assert int(limits["ThrottlingBurstLimit"]) >= float(limits["ThrottlingRateLimit"])


def test_every_function_is_capped_and_together_they_fit_the_pooler(config: dict[str, Any]) -> None:
    functions = config["functions"]
    caps = {name: int(function["reservedConcurrency"]) for name, function in functions.items()}
    assert all(cap >= 1 for cap in caps.values()), caps
    # Every function may connect: even docs, which gets HEAD requests of the read routes.
    connections = sum(caps.values())
    assert connections <= int(config["custom"]["poolerClientLimit"]), caps


def test_write_auth_is_on_by_default_when_deployed(config: dict[str, Any]) -> None:
    assert config["provider"]["environment"]["AUTH_WRITE"] == "on"
