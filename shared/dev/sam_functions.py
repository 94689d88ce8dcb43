"""serverless.yml's provider and functions as SAM functions: settings, role, HttpApi events.

Each key below is one osls feature with its SAM counterpart; a key not listed raises
NotTranslatedError naming it, so whoever adds it to serverless.yml teaches it here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared.dev.serverless_config import NotTranslatedError, ServerlessConfig, only

LAYER = "DependenciesLayer"
ROLE = "IamRoleLambdaExecution"
API = "HttpApi"
MAKEFILE = {"BuildMethod": "makefile"}  # the Makefile's build-* targets, see shared/dev/sam_build

PROVIDER = {"name", "runtime", "architecture", "memorySize", "timeout", "logRetentionInDays"}
PROVIDER |= {"tracing", "environment", "httpApi", "stage", "region"}  # stage: sls:stage
FUNCTION = {"handler", "description", "memorySize", "timeout", "role", "environment", "events"}
FUNCTION |= {"reservedConcurrency"}


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


def function_properties(config: ServerlessConfig, name: str, events: list[Any]) -> dict[str, Any]:
    """A function's own properties (Globals holds the shared ones), with its routes."""
    only(config.raw["functions"][name], FUNCTION, f"functions.{name}.")
    fn = config.get("functions", name)
    role = fn.get("role", ROLE)
    if isinstance(role, str) and not role.startswith("arn:"):
        role = {"Fn::GetAtt": [role, "Arn"]}  # a role of the template, by logical id
    properties: dict[str, Any] = {
        "Handler": fn["handler"],
        "Description": fn.get("description"),
        "MemorySize": fn.get("memorySize"),
        "Timeout": fn.get("timeout"),
        "ReservedConcurrentExecutions": fn.get("reservedConcurrency"),
        "Role": role,
    }
    if environment := fn.get("environment"):
        properties["Environment"] = {"Variables": environment}
    routes = dict(_http_event(config.resolve(event), name) for event in events)
    if len(routes) != len(events):
        raise NotTranslatedError(f"functions.{name}.events: two routes named alike for SAM")
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
    name = method.capitalize() + "".join(normalize_path_part(part) for part in path.split("/"))
    if path.endswith("/") and path != "/":
        name += "TrailingSlash"
    properties = {"ApiId": {"Ref": API}, "Method": method.upper(), "Path": path}
    return name, {"Type": "HttpApi", "Properties": properties}


def normalize(name: str) -> str:
    """osls's normalized function name: `listVehicles` -> `ListVehicles`."""
    name = name.replace("-", "Dash").replace("_", "Underscore")
    return name[:1].upper() + name[1:]


def normalize_path_part(part: str) -> str:
    """osls's normalizePathPart: `{vin}` -> `VinVar`, `openapi.json` -> `Openapijson`."""
    part = part.lower().replace("-", "Dash")
    if part.startswith("{") and part.endswith("}"):
        part = part[1:-1] + "Var"
    part = "".join(char for char in part if char.isascii() and char.isalnum())
    return part[:1].upper() + part[1:]
