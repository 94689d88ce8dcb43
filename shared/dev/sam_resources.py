"""serverless.yml's provider, functions and resources as the resources of a SAM template.

Each key below is one osls feature with its SAM counterpart; a key not listed raises
NotTranslatedError naming it, so whoever adds it to serverless.yml teaches it here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from shared.dev.serverless_config import ServerlessConfig

LAYER = "DependenciesLayer"
ROLE = "IamRoleLambdaExecution"
API = "HttpApi"
MAKEFILE = {"BuildMethod": "makefile"}  # the Makefile's build-* targets, see shared/dev/sam_build

PROVIDER = {"name", "runtime", "architecture", "memorySize", "timeout", "logRetentionInDays"}
PROVIDER |= {"tracing", "environment", "httpApi", "stage", "region"}  # stage: sls:stage
FUNCTION = {"handler", "description", "memorySize", "timeout", "role", "environment", "events"}
FUNCTION |= {"reservedConcurrency"}
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


class NotTranslatedError(ValueError):
    """serverless.yml uses something the SAM template generator does not translate yet."""

    def __init__(self, what: str) -> None:
        super().__init__(
            f"serverless.yml: {what}: no SAM translation in shared/dev/sam_resources.py; "
            "add one there, then run `make sam-template`"
        )


def only(mapping: Mapping[str, Any], known: Iterable[str], where: str) -> None:
    """Raise NotTranslatedError for a key of `mapping` outside `known`."""
    for key in mapping:
        if key not in known:
            raise NotTranslatedError(f"{where}{key}")


def function_globals(config: ServerlessConfig) -> dict[str, Any]:
    """What every function shares: the provider's settings (osls's defaults where unset)."""
    provider = config.raw["provider"]
    only(provider, PROVIDER, "provider.")
    only(provider.get("tracing", {}), {"lambda"}, "provider.tracing.")
    if config.get("provider", "name") != "aws":
        raise NotTranslatedError("provider.name other than aws")
    settings: dict[str, Any] = {
        "CodeUri": ".",
        "Runtime": config.get("provider", "runtime"),
        "Architectures": [config.get("provider", "architecture", default="x86_64")],
        "MemorySize": config.get("provider", "memorySize", default=1024),
        "Timeout": config.get("provider", "timeout", default=6),
        "Layers": [{"Ref": LAYER}],
    }
    if config.get("provider", "tracing", "lambda"):
        settings["Tracing"] = "Active"
    if environment := config.get("provider", "environment"):
        settings["Environment"] = {"Variables": environment}
    return settings


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
        logical = _normalize(name)
        resources[f"{logical}LambdaFunction"] = {
            "Type": "AWS::Serverless::Function",
            "Metadata": MAKEFILE,
            "Properties": _function(config, name, events[name]),
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


def _function(config: ServerlessConfig, name: str, events: list[Any]) -> dict[str, Any]:
    only(config.raw["functions"][name], FUNCTION, f"functions.{name}.")
    fn = config.get("functions", name)
    role = fn.get("role", ROLE)
    properties: dict[str, Any] = {
        "Handler": fn["handler"],
        "Description": fn.get("description"),
        "MemorySize": fn.get("memorySize"),
        "Timeout": fn.get("timeout"),
        "ReservedConcurrentExecutions": fn.get("reservedConcurrency"),
        "Role": {"Fn::GetAtt": [role, "Arn"]} if isinstance(role, str) else role,
    }
    if isinstance(role, str) and role.startswith("arn:"):
        properties["Role"] = role
    if environment := fn.get("environment"):
        properties["Environment"] = {"Variables": environment}
    routes = dict(_http_event(config.resolve(event), name) for event in events)
    if routes:
        properties["Events"] = routes
    return {key: value for key, value in properties.items() if value is not None}


def _http_event(event: Mapping[str, Any], function: str) -> tuple[str, dict[str, Any]]:
    """`httpApi: GET /path` as a SAM HttpApi event named like osls's route (`GetPath`)."""
    only(event, {"httpApi"}, f"functions.{function}.events: ")
    route = event["httpApi"]
    if isinstance(route, dict):
        only(route, {"method", "path"}, f"functions.{function}.events.httpApi.")
        route = f"{route['method']} {route['path']}"
    if route.strip() == "*":
        return "Default", {"Type": "HttpApi", "Properties": {"ApiId": {"Ref": API}}}
    method, path = route.split(maxsplit=1)
    name = method.capitalize() + "".join(_normalize_path_part(part) for part in path.split("/"))
    if path.endswith("/") and path != "/":
        name += "TrailingSlash"
    properties = {"ApiId": {"Ref": API}, "Method": method.upper(), "Path": path}
    return name, {"Type": "HttpApi", "Properties": properties}


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
        if {"Ref": f"HttpApiIntegration{_normalize(function)}"} in parts:
            return str(function)
    raise NotTranslatedError(f"resources.Resources.{name}: a route to no function's integration")


def _normalize(name: str) -> str:
    """osls's normalized function name: `listVehicles` -> `ListVehicles`."""
    name = name.replace("-", "Dash").replace("_", "Underscore")
    return name[:1].upper() + name[1:]


def _normalize_path_part(part: str) -> str:
    """osls's normalizePathPart: `{vin}` -> `VinVar`, `openapi.json` -> `Openapijson`."""
    part = part.lower().replace("-", "Dash")
    if part.startswith("{") and part.endswith("}"):
        part = part[1:-1] + "Var"
    part = "".join(char for char in part if char.isascii() and char.isalnum())
    return part[:1].upper() + part[1:]
