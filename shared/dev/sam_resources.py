"""serverless.yml's functions, HTTP API and `resources:` as the resources of a SAM template.

Logical ids are osls's, so what serverless.yml declares under `resources:` (roles, IAM grants,
conditions) carries over as written. A key not listed below raises NotTranslatedError.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared.dev.sam_functions import API, LAYER, MAKEFILE, ROLE, function_properties, normalize
from shared.dev.serverless_config import NotTranslatedError, ServerlessConfig, only

RESOURCES = {"Resources", "Conditions", "Outputs", "extensions"}
CORS = {
    "allowedOrigins": "AllowOrigins",
    "allowedHeaders": "AllowHeaders",
    "allowedMethods": "AllowMethods",
    "exposedResponseHeaders": "ExposeHeaders",
    "allowCredentials": "AllowCredentials",
    "maxAge": "MaxAge",
}
# osls's HttpApi and HttpApiStage properties that SAM's HttpApi takes under the same name.
API_PROPERTIES = {"CorsConfiguration", "Description", "DisableExecuteApiEndpoint", "Name"}
STAGE_PROPERTIES = {"DefaultRouteSettings", "RouteSettings", "AccessLogSettings", "StageVariables"}
MANAGED_POLICIES = {
    "logs": "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    "xray": "arn:${AWS::Partition}:iam::aws:policy/AWSXRayDaemonWriteAccess",
}


def translate(config: ServerlessConfig) -> dict[str, Any]:
    """Every resource: the layer, the API, the default role, the functions, then `resources:`."""
    declared = dict(config.get("resources", "Resources", default={}))
    extensions = config.get("resources", "extensions", default={})
    only(config.raw.get("resources", {}), RESOURCES, "resources.")
    only(extensions, {API, f"{API}Stage", ROLE}, "resources.extensions.")
    functions = config.raw.get("functions", {})
    events = {name: list(fn.get("events", [])) for name, fn in functions.items()}
    for name, resource in list(declared.items()):
        if resource.get("Type") == "AWS::ApiGatewayV2::Route":
            # A route osls could not declare itself (the trailing-slash list route): an event here.
            events[_routed_function(resource, functions, name)].append(
                {"httpApi": resource["Properties"]["RouteKey"]}
            )
            del declared[name]
    runtime = config.get("provider", "runtime")
    architecture = config.get("provider", "architecture", default="x86_64")
    resources: dict[str, Any] = {
        LAYER: {
            "Type": "AWS::Serverless::LayerVersion",
            "Metadata": {**MAKEFILE, "BuildArchitecture": architecture},
            "Properties": {
                "Description": "requirements.txt, built as serverless-python-requirements does",
                "ContentUri": ".",
                "CompatibleRuntimes": [runtime],
                "CompatibleArchitectures": [architecture],
                "RetentionPolicy": "Delete",
            },
        },
        API: {"Type": "AWS::Serverless::HttpApi", "Properties": _api(config, extensions)},
        ROLE: _default_role(config, extensions.get(ROLE, {})),
    }
    retention = config.get("provider", "logRetentionInDays")
    for name in functions:
        logical = normalize(name)
        resources[f"{logical}LambdaFunction"] = {
            "Type": "AWS::Serverless::Function",
            "Metadata": MAKEFILE,
            "Properties": function_properties(config, name, events[name]),
        }
        if retention:
            resources[f"{logical}LogGroup"] = {
                "Type": "AWS::Logs::LogGroup",
                "Properties": {
                    "LogGroupName": {"Fn::Sub": f"/aws/lambda/${{{logical}LambdaFunction}}"},
                    "RetentionInDays": retention,
                },
            }
    return resources | declared


def _api(config: ServerlessConfig, extensions: Mapping[str, Any]) -> dict[str, Any]:
    only(config.raw["provider"].get("httpApi", {}), {"cors"}, "provider.httpApi.")
    properties: dict[str, Any] = {}
    cors = config.get("provider", "httpApi", "cors")
    if isinstance(cors, dict):
        only(cors, CORS, "provider.httpApi.cors.")
        properties["CorsConfiguration"] = {CORS[key]: value for key, value in cors.items()}
    elif cors is not None:
        properties["CorsConfiguration"] = cors
    for resource, known in ((API, API_PROPERTIES), (f"{API}Stage", STAGE_PROPERTIES)):
        overrides = extensions.get(resource, {})
        only(overrides, {"Properties"}, f"resources.extensions.{resource}.")
        only(overrides.get("Properties", {}), known, f"resources.extensions.{resource}.Properties.")
        properties.update(overrides.get("Properties", {}))  # a shallow merge, as osls's
    if isinstance(cors := properties.pop("CorsConfiguration", None), dict):
        # SAM's CorsConfiguration takes no intrinsic (Fn::Split of CORS_ORIGINS) inside it; the
        # OpenAPI extension it would write does, and SAM adds the routes to this document.
        cors = {key[:1].lower() + key[1:]: value for key, value in cors.items()}
        properties["DefinitionBody"] = {
            "openapi": "3.0.1",
            "info": {"title": {"Ref": "AWS::StackName"}, "version": "1.0"},
            "paths": {},
            "x-amazon-apigateway-cors": cors,
        }
    elif cors is not None:
        properties["CorsConfiguration"] = cors
    return properties


def _default_role(config: ServerlessConfig, extension: Mapping[str, Any]) -> dict[str, Any]:
    """osls's shared role of the functions without `role:`: logs, and X-Ray when tracing."""
    only(extension, {"Properties"}, f"resources.extensions.{ROLE}.")
    policies = ["logs", "xray"] if config.get("provider", "tracing", "lambda") else ["logs"]
    properties = {
        "AssumeRolePolicyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "lambda.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ],
        },
        "ManagedPolicyArns": [{"Fn::Sub": MANAGED_POLICIES[policy]} for policy in policies],
    }
    return {"Type": "AWS::IAM::Role", "Properties": properties | extension.get("Properties", {})}


def _routed_function(route: Mapping[str, Any], functions: Mapping[str, Any], name: str) -> str:
    """The function behind a route declared in `resources:` (Target: integrations/<integration>)."""
    target = route.get("Properties", {}).get("Target", {})
    parts = target.get("Fn::Join", [None, []])[1] if isinstance(target, dict) else []
    for function in functions:
        if {"Ref": f"HttpApiIntegration{normalize(function)}"} in parts:
            return str(function)
    raise NotTranslatedError(f"resources.Resources.{name}: a route to no function's integration")
