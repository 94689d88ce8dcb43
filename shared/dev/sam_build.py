"""What `sam build` puts in each function and in the dependencies layer: what osls packages.

template.yaml builds the functions and the layer with `BuildMethod: makefile`, and the Makefile's
`build-*` targets run this module. A function gets the files serverless.yml's `package.patterns`
select; the layer gets requirements.txt installed with serverless-python-requirements' pip
arguments (ready-made wheels for the Lambda platform, whatever machine builds, no Docker), minus
its `noDeploy` packages. `--param architecture=x86_64` as for osls (the default is arm64).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from shared.dev.serverless_config import (
    MISSING,
    PROJECT_DIR,
    NotTranslatedError,
    ServerlessConfig,
    load,
    only,
)

# serverless-python-requirements options this build reproduces (or, for the rest, that do not
# change what is packaged); one it does not know raises.
PIP_OPTIONS = {"fileName", "pipCmdExtraArgs", "noDeploy", "pythonBin", "useStaticCache"}
PIP_OPTIONS |= {"dockerizePip", "usePipenv", "usePoetry"}  # must be false: checked below


def from_environment(kind: str, name: str, fallback: Any) -> Any:
    """A deploy-time variable read as osls reads it at package time."""
    value = os.environ.get(name) if kind == "env" else None
    if value is None and fallback is MISSING:
        raise ValueError(f"serverless.yml needs ${{{kind}:{name}}}, which is not set")
    return fallback if value is None else value


def copy_code(artifacts_dir: Path, config: ServerlessConfig) -> None:
    """The files osls packages, at the same paths."""
    for relative in packaged_files(config.get("package", "patterns")):
        target = artifacts_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(PROJECT_DIR / relative, target)


def install_dependencies(target: Path, config: ServerlessConfig) -> None:
    """requirements.txt as serverless-python-requirements installs it, into `target`."""
    options = config.get("custom", "pythonRequirements")
    only(options, PIP_OPTIONS, "custom.pythonRequirements.")
    if any(options.get(flag) for flag in ("dockerizePip", "usePipenv", "usePoetry")):
        raise NotTranslatedError("custom.pythonRequirements with Docker, Pipenv or Poetry")
    extra = [arg for option in options.get("pipCmdExtraArgs", []) for arg in str(option).split()]
    requirements = PROJECT_DIR / options.get("fileName", "requirements.txt")
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    command = [*pip, *extra, "-t", str(target), "-r", str(requirements)]
    subprocess.run(command, check=True)  # noqa: S603 - our pip, serverless.yml's arguments
    no_deploy = set(options.get("noDeploy", []))
    for entry in target.iterdir():
        # The plugin's own test: the name up to the first "-", "/" or ".py" (boto3-1.0.dist-info).
        if re.split(r"-|/|\.pyc?$", entry.name, maxsplit=1)[0] in no_deploy:
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()


def packaged_files(patterns: list[str]) -> Iterator[str]:
    """Work-tree files (relative, POSIX) that osls `package.patterns` select: last match wins."""
    rules = [(pattern.startswith("!"), _glob(pattern.removeprefix("!"))) for pattern in patterns]
    roots = {pattern.split("/")[0] for pattern in patterns if not pattern.startswith("!")}
    if any(re.search(r"[*?\[]", root) for root in roots):
        roots = {"."}  # a pattern that may match at the top: walk the whole work tree
    for root in sorted(roots):
        for path in sorted((PROJECT_DIR / root).rglob("*")):
            relative = path.relative_to(PROJECT_DIR).as_posix()
            if path.is_file() and not relative.startswith(".git/"):
                included = False
                for excluded, rule in rules:
                    if rule.fullmatch(relative):
                        included = not excluded
                if included:
                    yield relative


def _glob(pattern: str) -> re.Pattern[str]:
    """A minimatch-style glob (`**` crosses folders, `*` and `?` do not) as a regex."""
    parts = re.split(r"(\*\*/?|\*|\?|\[[^\]]*\])", pattern)
    regex = {"**/": "(?:.*/)?", "**": ".*", "*": "[^/]*", "?": "[^/]"}
    literal = [part if part.startswith("[") else re.escape(part) for part in parts]
    return re.compile(
        "".join(regex.get(part, text) for part, text in zip(parts, literal, strict=True))
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["code", "dependencies"])
    parser.add_argument("target", type=Path, help="the folder to fill (sam's ARTIFACTS_DIR)")
    parser.add_argument("--param", action="append", default=[], help="name=value, as for osls")
    args = parser.parse_args(argv)
    params = dict(param.split("=", 1) for param in args.param)
    config = ServerlessConfig(load(), deploy_source=from_environment, params=params)
    args.target.mkdir(parents=True, exist_ok=True)
    if args.what == "code":
        copy_code(args.target, config)
    else:
        install_dependencies(args.target, config)


if __name__ == "__main__":
    main()
