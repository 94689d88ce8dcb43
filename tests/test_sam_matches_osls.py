"""SAM's translation of template.yaml deploys what osls deploys from serverless.yml.

samtranslator (the transform CloudFormation runs for SAM templates) turns template.yaml into plain
CloudFormation, every parameter at its default; `osls print` resolves serverless.yml with every
`${env:...}` unset. Functions, routes, CORS, stage settings and the declared resources (roles, IAM
grants) are compared property by property: a translation that SAM reads differently than we meant
fails here, as SAM's own CorsConfiguration did (it drops everything but an intrinsic AllowOrigins).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from shared.dev import sam_template, serverless_config
from tests.fixtures.sam import REPO, sam_env, sam_venv

OSLS = REPO / "node_modules" / ".bin" / "osls"
# Runs in .venv-sam's Python: the template as CloudFormation's SAM transform turns it into plain
# CloudFormation (local code folders replaced by S3 addresses, as `sam validate` does).
TRANSFORM = """
import json, sys, yaml
from samtranslator.translator.transform import transform
template = yaml.safe_load(open(sys.argv[1]))
template["Globals"]["Function"]["CodeUri"] = "s3://bucket/code"
for resource in template["Resources"].values():
    if resource["Type"] == "AWS::Serverless::LayerVersion":
        resource["Properties"]["ContentUri"] = "s3://bucket/layer"
print(json.dumps(transform(template, {}, None)))
"""


@pytest.fixture(scope="module")
def osls_service() -> dict[str, Any]:
    """`osls print` with every `${env:...}` of serverless.yml unset: the defaults."""
    if not OSLS.exists():
        missing = "node_modules/.bin/osls not found: run `npm ci` first"
        if os.environ.get("CI"):  # CI runs make install
            pytest.fail(missing)
        pytest.skip(missing)
    unset = set(re.findall(r"\$\{env:(\w+)", serverless_config.SERVERLESS_YML.read_text()))
    env = {name: value for name, value in os.environ.items() if name not in unset}
    env |= {"SLS_TELEMETRY_DISABLED": "1", "PATH": f"{Path(sys.executable).parent}:{env['PATH']}"}
    result = subprocess.run(
        [str(OSLS), "print", "--format", "json"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    service: dict[str, Any] = json.loads(result.stdout)
    return service


@pytest.fixture(scope="module")
def deployed() -> dict[str, Any]:
    """template.yaml through the SAM transform, every parameter at its default."""
    result = subprocess.run(
        [str(sam_venv() / "bin" / "python"), "-c", TRANSFORM, str(sam_template.TEMPLATE)],
        env=sam_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    template: dict[str, Any] = json.loads(result.stdout)
    # CloudFormation hands a Number parameter to a property as the number it holds.
    defaults = {
        name: int(p["Default"]) if p["Type"] == "Number" else p.get("Default")
        for name, p in template["Parameters"].items()
    }
    resources: dict[str, Any] = with_defaults(template["Resources"], defaults)
    return resources


def with_defaults(value: Any, defaults: dict[str, Any]) -> Any:
    """`Ref` to a parameter, and `${Parameter}` in Fn::Sub, replaced by the default."""
    if isinstance(value, list):
        return [with_defaults(item, defaults) for item in value]
    if not isinstance(value, dict):
        return value
    if list(value) == ["Ref"] and value["Ref"] in defaults:
        return defaults[value["Ref"]]
    if list(value) == ["Fn::Sub"] and isinstance(value["Fn::Sub"], str):
        text = re.sub(r"\$\{(\w+)\}", lambda m: str(defaults.get(m[1], m[0])), value["Fn::Sub"])
        return text if "${" not in text else {"Fn::Sub": text}
    return {key: with_defaults(item, defaults) for key, item in value.items()}


def logical_id(function: str) -> str:
    return function[:1].upper() + function[1:] + "LambdaFunction"


def test_every_function_keeps_its_settings(
    osls_service: dict[str, Any], deployed: dict[str, Any]
) -> None:
    provider = osls_service["provider"]
    for name, fn in osls_service["functions"].items():
        expected = {
            "Handler": fn["handler"],
            "Runtime": provider["runtime"],
            "Architectures": [provider["architecture"]],
            "MemorySize": fn.get("memorySize", provider["memorySize"]),
            "Timeout": fn.get("timeout", provider["timeout"]),
            "Role": {"Fn::GetAtt": [fn.get("role", "IamRoleLambdaExecution"), "Arn"]},
            "ReservedConcurrentExecutions": fn.get("reservedConcurrency"),
            "TracingConfig": {"Mode": "Active"} if provider["tracing"]["lambda"] else None,
            "Environment": {"Variables": provider["environment"] | fn.get("environment", {})},
        }
        properties = deployed[logical_id(name)]["Properties"]
        assert {key: properties.get(key) for key in expected} == expected, name
        retention = deployed[logical_id(name).replace("LambdaFunction", "LogGroup")]
        assert retention["Properties"]["RetentionInDays"] == provider["logRetentionInDays"]


def test_every_route_reaches_the_same_function(
    osls_service: dict[str, Any], deployed: dict[str, Any]
) -> None:
    expected = {
        event["httpApi"]: logical_id(name)
        for name, fn in osls_service["functions"].items()
        for event in fn.get("events", [])
    }
    for resource in osls_service["resources"]["Resources"].values():
        if resource["Type"] == "AWS::ApiGatewayV2::Route":
            integration = resource["Properties"]["Target"]["Fn::Join"][1][1]["Ref"]
            function = integration.removeprefix("HttpApiIntegration")
            expected[resource["Properties"]["RouteKey"]] = logical_id(function)
    paths = deployed["HttpApi"]["Properties"]["Body"]["paths"]
    actual = {
        "*" if path == "$default" else f"{method.upper()} {path}": re.findall(
            r"\$\{(\w+)\.Arn\}", json.dumps(operation["x-amazon-apigateway-integration"]["uri"])
        )[0]
        for path, operations in paths.items()
        for method, operation in operations.items()
    }
    assert actual == expected
    assert "GET /api/vehicles/" in actual
    assert "*" in actual


def test_cors_and_stage_settings_are_the_deployed_ones(
    osls_service: dict[str, Any], deployed: dict[str, Any]
) -> None:
    extensions = osls_service["resources"]["extensions"]
    cors = extensions["HttpApi"]["Properties"]["CorsConfiguration"]
    body = deployed["HttpApi"]["Properties"]["Body"]
    assert body["x-amazon-apigateway-cors"] == {k[:1].lower() + k[1:]: v for k, v in cors.items()}
    stage_settings = extensions.get("HttpApiStage", {}).get("Properties", {})
    (stage,) = [r for r in deployed.values() if r["Type"] == "AWS::ApiGatewayV2::Stage"]
    assert {key: stage["Properties"].get(key) for key in stage_settings} == stage_settings
    assert stage["Properties"]["StageName"] == "$default"


def test_iam_grants_and_other_resources_are_the_declared_ones(
    osls_service: dict[str, Any], deployed: dict[str, Any]
) -> None:
    declared = {
        name: resource
        for name, resource in osls_service["resources"]["Resources"].items()
        if resource["Type"] != "AWS::ApiGatewayV2::Route"
    }
    assert "ReadSeedBucketPolicy" in declared
    assert {name: deployed[name] for name in declared} == declared
