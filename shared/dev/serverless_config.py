"""serverless.yml with its `${...}` variables resolved, for tools that describe the same service.

osls resolves the variables when it packages. Here the caller decides what a deploy-time source
(`env:`, `opt:`) becomes: `sam_template` turns each into a SAM parameter, `sam_build` reads the
environment as osls would. `self:`, `sls:stage` and `param:` (build-time choices such as the
architecture) resolve to values. `file(./x.json)` reads the JSON file, and
`file(./serverless.cors.cjs):origins` is CORS_ORIGINS as a list (for SAM, an `Fn::Split` of its
parameter). Any other source (`ssm:`, `cf:`, another file) raises, so a new one is taught here
instead of reaching a template unresolved.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

PROJECT_DIR = Path(__file__).resolve().parents[2]
SERVERLESS_YML = PROJECT_DIR / "serverless.yml"

# A variable with no other inside it; resolved innermost first, as osls does.
VARIABLE = re.compile(r"\$\{((?:self|env|opt|sls|param):[^${}]*)\}")
# A serverless variable left after resolving. CloudFormation's own `${AWS::Region}` and
# `${LogicalId}` (inside Fn::Sub) start with a capital and are left alone.
UNHANDLED = re.compile(r"\$\{\s*[a-z]\w*[:(]")
# `${file(./name)}` or `${file(./name):export}`, the whole string.
FILE = re.compile(r"\$\{file\(\./([\w./-]+)\)(?::(\w+))?\}")
FALLBACK = re.compile(r"\s*('[^']*'|\"[^\"]*\"|[^,]+?)\s*(?:,|$)")
MISSING = object()

# What a deploy-time source becomes: (kind "env" or "opt", name, resolved fallback or MISSING).
DeploySource = Callable[[str, str, Any], Any]


class NotTranslatedError(ValueError):
    """serverless.yml uses something the SAM template generator does not translate yet."""

    def __init__(self, what: str) -> None:
        super().__init__(
            f"serverless.yml: {what}: no SAM translation in shared/dev; "
            "add one there, then run `make sam-template`"
        )


def only(mapping: Mapping[str, Any], known: Iterable[str], where: str) -> None:
    """Raise NotTranslatedError for a key of `mapping` outside `known`."""
    for key in mapping:
        if key not in known:
            raise NotTranslatedError(f"{where}{key}")


def load() -> dict[str, Any]:
    """serverless.yml as written, variables and all."""
    config: dict[str, Any] = yaml.safe_load(SERVERLESS_YML.read_text())
    return config


class ServerlessConfig:
    """Resolves the variables of one serverless.yml; `raw` is the file as parsed."""

    def __init__(
        self,
        raw: Mapping[str, Any],
        *,
        deploy_source: DeploySource,
        params: Mapping[str, str] | None = None,
    ) -> None:
        self.raw = raw
        self._deploy_source = deploy_source
        self._params = dict(params or {})

    def get(self, *path: str, default: Any = None) -> Any:
        """The resolved value at `path` (`config.get("provider", "runtime")`)."""
        value = self._lookup(".".join(path))
        return default if value is MISSING else self.resolve(value)

    def resolve(self, value: Any) -> Any:
        """`value` with every variable in it resolved, recursively."""
        if isinstance(value, dict):
            return {key: self.resolve(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.resolve(item) for item in value]
        if isinstance(value, str):
            return self._resolve_string(value)
        return value

    def _resolve_string(self, text: str) -> Any:
        if file := FILE.fullmatch(text.strip()):
            return self._resolve_file(file.group(1), file.group(2))
        while match := VARIABLE.search(text):
            value = self._resolve_chain(match.group(1))
            if match.span() == (0, len(text)):
                return value  # the whole string: the value as it is (a list, a number...)
            if isinstance(value, dict | list) or value is None:
                raise ValueError(f"serverless.yml: {match.group(0)} is not text, in {text!r}")
            text = text[: match.start()] + str(value) + text[match.end() :]
        if UNHANDLED.search(text):
            raise ValueError(f"serverless.yml: a variable source not handled here: {text!r}")
        return text

    def _resolve_file(self, name: str, export: str | None) -> Any:
        if name.endswith(".json") and export is None:
            return json.loads((PROJECT_DIR / name).read_text())
        if (name, export) == ("serverless.cors.cjs", "origins"):
            origins = self._deploy_source("env", "CORS_ORIGINS", "*")
            if not isinstance(origins, str):  # a SAM parameter: split by CloudFormation
                return {"Fn::Split": [",", origins]}
            listed = [o.strip().rstrip("/") for o in origins.split(",") if o.strip()]
            return ["*"] if not listed or "*" in listed else listed
        raise NotTranslatedError(f"${{file(./{name}){':' + export if export else ''}}}")

    def _resolve_chain(self, expression: str) -> Any:
        """`env:NAME, 'default'`: the first source that has a value, else the fallback."""
        first, *rest = FALLBACK.findall(expression)
        fallback = self._resolve_chain(", ".join(rest)) if rest else MISSING
        if first[:1] in "'\"":
            return first[1:-1]
        if first.isdigit():
            return int(first)
        source, _, name = first.partition(":")
        if source in {"env", "opt"}:
            return self._deploy_source(source, name, fallback)
        if source == "sls" and name == "stage":
            return self.get("provider", "stage", default="dev")
        if source == "self":
            value = self.get(name, default=fallback)
        elif source == "param":
            value = self._params.get(name, fallback)
        else:
            raise ValueError(f"serverless.yml: variable source {first!r} is not handled here")
        if value is MISSING:
            raise ValueError(f"serverless.yml: ${{{expression}}} has no value and no fallback")
        return value

    def _lookup(self, dotted: str) -> Any:
        value: Any = self.raw
        for key in dotted.split("."):
            if isinstance(value, str):  # a variable holding a mapping (a JSON file)
                value = self.resolve(value)
            if not isinstance(value, Mapping) or key not in value:
                return MISSING
            value = value[key]
        return value
