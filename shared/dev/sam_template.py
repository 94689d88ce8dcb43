"""template.yaml for AWS SAM, generated from serverless.yml: one description of the service.

`make sam-template` writes it; tests/test_sam_template.py fails when the checked-in file differs
from a fresh generation, so a function, route or variable added to serverless.yml reaches SAM
users too.
What osls takes from the deploy environment (`${env:NAME, default}`, `--stage`) becomes a SAM
parameter with the same default. Logical ids are osls's (`HealthLambdaFunction`, `HttpApi`,
`IamRoleLambdaExecution`), so `resources:` in serverless.yml carry over as written. Anything this
module cannot translate raises NotTranslatedError instead of being left out of the template.
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import Any

import yaml

from shared.dev import sam_functions, sam_resources
from shared.dev.serverless_config import (
    MISSING,
    PROJECT_DIR,
    NotTranslatedError,
    ServerlessConfig,
    load,
    only,
)

TEMPLATE = PROJECT_DIR / "template.yaml"
HEADER = """\
# Generated from serverless.yml by `make sam-template` (shared/dev/sam_template.py): edit
# serverless.yml, not this file (tests/test_sam_template.py fails when the two differ).
"""
API_URL = "https://${HttpApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}"
PLACEHOLDER = "\0{}\0"
PLACEHOLDERS = re.compile("\0(\\w+)\0")
SUB_NAMES = re.compile(r"\$\{([^!}][^}]*)\}")
# Values of these variables are not echoed by CloudFormation (console, describe-stacks).
SECRET_NAME = re.compile(r"(URL|PASSWORD|SECRET|TOKEN|KEYS?)$")

TOP_LEVEL = {"service", "frameworkVersion", "plugins", "custom", "provider", "package"}
TOP_LEVEL |= {"functions", "resources"}


class Parameters:
    """SAM parameters for the deploy-time variables, declared as the resolver meets them."""

    def __init__(self) -> None:
        self.declared: dict[str, dict[str, Any]] = {}

    def __call__(self, kind: str, name: str, fallback: Any) -> str:
        logical = "".join(part.capitalize() for part in re.split(r"[^0-9A-Za-z]+", name))
        described = f"{name}, see env.example" if kind == "env" else f"as osls --{name}"
        number = isinstance(fallback, int)  # `${env:X, 5}`: a count, as osls passes it
        declaration: dict[str, Any] = {"Type": "Number" if number else "String"}
        declaration["Description"] = described
        if fallback is not MISSING:
            declaration["Default"] = str(fallback)
        if kind == "env" and SECRET_NAME.search(name):
            declaration["NoEcho"] = True
        if self.declared.setdefault(logical, declaration) != declaration:
            raise NotTranslatedError(
                f"{kind}:{name} is used with two defaults; SAM has one per name"
            )
        return PLACEHOLDER.format(logical)


def generate(params: dict[str, str] | None = None) -> dict[str, Any]:
    """The SAM template for serverless.yml; `params` as osls's `--param name=value`."""
    raw = load()
    only(raw, TOP_LEVEL, "")
    parameters = Parameters()
    config = ServerlessConfig(raw, deploy_source=parameters, params=params)
    function_globals = sam_functions.function_globals(config)  # first: its parameters lead
    resources = sam_resources.translate(config)
    template: dict[str, Any] = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Transform": "AWS::Serverless-2016-10-31",
        "Description": f"{config.get('service')}: generated from serverless.yml",
        "Parameters": parameters.declared,
        "Conditions": config.get("resources", "Conditions", default={}),
        "Globals": {"Function": function_globals},
        "Resources": resources,
        "Outputs": {
            "HttpApiUrl": {
                "Description": "URL of the HTTP API",
                "Value": {"Fn::Sub": API_URL},
            },
            **config.get("resources", "Outputs", default={}),
        },
    }
    template = cloudformation({key: value for key, value in template.items() if value != {}})
    if unknown := undefined_references(template):
        raise NotTranslatedError(
            f"references {sorted(unknown)}, resources osls makes and SAM does not"
        )
    return template


def cloudformation(value: Any) -> Any:
    """Parameter placeholders as `Ref` (a whole value) or `Fn::Sub` (inside text)."""
    if isinstance(value, dict):
        if list(value) == ["Fn::Sub"]:
            return {"Fn::Sub": _sub_body(value["Fn::Sub"])}
        return {key: cloudformation(item) for key, item in value.items()}
    if isinstance(value, list):
        return [cloudformation(item) for item in value]
    if isinstance(value, str) and "\0" in value:
        whole = PLACEHOLDERS.fullmatch(value)
        return {"Ref": whole.group(1)} if whole else {"Fn::Sub": _sub_body(_escape(value))}
    return value


def _sub_body(body: str | list[Any]) -> str | list[Any]:
    if isinstance(body, list):
        return [_sub_body(body[0]), *cloudformation(body[1:])]
    return PLACEHOLDERS.sub(r"${\1}", body)


def _escape(text: str) -> str:
    """Text that is not a Fn::Sub yet: a `${` in it is literal."""
    return text.replace("${", "${!")


def undefined_references(template: dict[str, Any]) -> set[str]:
    """Names used in Ref, Fn::GetAtt, Fn::Sub or DependsOn that the template does not define."""
    used: set[str] = set()
    pending: list[Any] = [template["Resources"], template.get("Outputs", {})]
    while pending:
        value = pending.pop()
        if isinstance(value, list):
            pending.extend(value)
        if not isinstance(value, dict):
            continue
        pending.extend(value.values())
        for key, item in value.items():
            if key in {"Ref", "DependsOn"}:
                used.update([item] if isinstance(item, str) else item)
            elif key == "Fn::GetAtt":
                used.add(item[0] if isinstance(item, list) else item.split(".")[0])
            elif key == "Fn::Sub":
                text, local = (item, {}) if isinstance(item, str) else (item[0], item[1])
                names = {name.split(".")[0] for name in SUB_NAMES.findall(text)}
                used.update(names - set(local))
    defined = set(template.get("Parameters", {})) | set(template["Resources"])
    return {name for name in used if name not in defined and not name.startswith("AWS::")}


def render(template: dict[str, Any]) -> str:
    """template.yaml's text: the header, then the template in long-form (`Ref:`) YAML."""
    return HEADER + yaml.safe_dump(template, sort_keys=False, width=100)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--param", action="append", default=[], help="name=value, as for osls")
    parser.add_argument("--output", default=str(TEMPLATE), help="'-' for standard output")
    args = parser.parse_args(argv)
    params = dict(param.split("=", 1) for param in args.param)
    text = render(generate(params))
    if args.output == "-":
        sys.stdout.write(text)
    else:
        with open(args.output, "w") as output:
            output.write(text)


if __name__ == "__main__":
    main()
