"""`serverless package` builds a Lambda zip holding our code and the runtime dependencies only.

The deployed architecture is arm64 (cheaper), whose extension modules cannot be loaded on an
x86_64 CI machine. So the arm64 zip is checked file by file (and its `.so` files by their ELF
header), and an x86_64 zip built from the same serverless.yml with `--param architecture=x86_64`
is unzipped and imported by a clean interpreter of the runtime's Python version: the same
wheels, resolved the same way, for the only CPU that can run them here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.runtime import import_handlers, require_runtime_python

REPO = Path(__file__).resolve().parent.parent
SERVERLESS = REPO / "node_modules" / ".bin" / "osls"
ZIP_NAME = "vehicle-inventory.zip"
MAX_ZIP_BYTES = 15 * 1024 * 1024
PACKAGED_DIRS = ("functions", "shared", "migrations")
# Local-only helpers under a packaged directory (the SAM template generator): never in the zip.
LOCAL_ONLY_DIRS = ("shared/dev/",)

# Top-level names that must never reach the zip: our development tree and the dev-only tools
# from requirements-dev.txt (boto3 and botocore come with the Lambda runtime).
FORBIDDEN_TOP_LEVEL = {
    "tests",
    "bench",
    "node_modules",
    ".venv",
    ".pgdata",
    ".serverless",
    ".git",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    "pytest",
    "_pytest",
    "mypy",
    "ruff",
    "moto",
    "boto3",
    "botocore",
    "pgserver",
    "uvicorn",
    "jsonschema",
}
FORBIDDEN_ANYWHERE = ("__pycache__/", ".pyc")

# ELF e_machine values (offset 18, little-endian) for the Lambda architectures.
ELF_MACHINES = {"arm64": 183, "x86_64": 62}
WHEEL_ARCHITECTURES = {"arm64": "aarch64", "x86_64": "x86_64"}

if not SERVERLESS.exists() and os.environ.get("CI"):
    raise RuntimeError("node_modules/.bin/osls not found: CI must run `npm ci` (make install)")
pytestmark = pytest.mark.skipif(
    not SERVERLESS.exists(), reason="node_modules/.bin/osls not found: run `npm ci` first"
)


@dataclass(frozen=True)
class Package:
    """One `serverless package` output: the zip and the resolved service configuration."""

    zip_path: Path
    runtime: str
    architecture: str
    handlers: dict[str, str]
    template: dict[str, Any]

    @property
    def python_version(self) -> str:
        return self.runtime.removeprefix("python")

    @property
    def handler_files(self) -> list[str]:
        """`functions/health.py` for a handler `functions/health.handler`."""
        return sorted({handler.rsplit(".", 1)[0] + ".py" for handler in self.handlers.values()})


def build_package(out_dir: Path, *extra_args: str) -> Package:
    """Run `serverless package` into `out_dir`; pip is the one of the Python running the tests."""
    env = {
        **os.environ,
        "SLS_TELEMETRY_DISABLED": "1",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    result = subprocess.run(
        [str(SERVERLESS), "package", "--package", str(out_dir), *extra_args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, f"serverless package failed:\n{result.stdout}\n{result.stderr}"
    state: dict[str, Any] = json.loads((out_dir / "serverless-state.json").read_text())
    service = state["service"]
    return Package(
        zip_path=out_dir / ZIP_NAME,
        runtime=service["provider"]["runtime"],
        architecture=service["provider"]["architecture"],
        handlers={name: fn["handler"] for name, fn in service["functions"].items()},
        template=json.loads((out_dir / "cloudformation-template-update-stack.json").read_text()),
    )


@pytest.fixture(scope="module")
def arm64_package(tmp_path_factory: pytest.TempPathFactory) -> Package:
    return build_package(tmp_path_factory.mktemp("package-arm64"))


@pytest.fixture(scope="module")
def x86_64_package(tmp_path_factory: pytest.TempPathFactory) -> Package:
    return build_package(
        tmp_path_factory.mktemp("package-x86_64"), "--param", "architecture=x86_64"
    )


def zip_names(package: Package) -> list[str]:
    with zipfile.ZipFile(package.zip_path) as archive:
        return archive.namelist()


def source_files() -> set[str]:
    """Files under the packaged directories of the work tree, minus bytecode caches and the
    local-only helpers."""
    return {
        relative
        for directory in PACKAGED_DIRS
        for path in (REPO / directory).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
        if not (relative := path.relative_to(REPO).as_posix()).startswith(LOCAL_ONLY_DIRS)
    }


def test_default_package_targets_arm64_and_a_current_python(arm64_package: Package) -> None:
    assert arm64_package.architecture == "arm64"
    assert arm64_package.runtime in {"python3.12", "python3.13"}


def test_zip_is_under_the_size_budget(arm64_package: Package) -> None:
    size = arm64_package.zip_path.stat().st_size
    assert size < MAX_ZIP_BYTES, f"{size / 1e6:.1f} MB zipped"


def test_zip_holds_every_source_file_and_sample_csv(arm64_package: Package) -> None:
    missing = source_files() - set(zip_names(arm64_package))
    assert not missing


def test_zip_leaves_out_the_local_only_helpers(arm64_package: Package) -> None:
    assert [name for name in zip_names(arm64_package) if name.startswith(LOCAL_ONLY_DIRS)] == []


def test_zip_holds_every_handler_module(arm64_package: Package) -> None:
    missing = set(arm64_package.handler_files) - set(zip_names(arm64_package))
    assert not missing


def test_zip_leaves_out_tests_tools_and_caches(arm64_package: Package) -> None:
    names = zip_names(arm64_package)
    top_level = {name.split("/", 1)[0] for name in names}
    assert not top_level & FORBIDDEN_TOP_LEVEL
    assert not [name for name in names if any(part in name for part in FORBIDDEN_ANYWHERE)]
    assert not [name for name in names if name.startswith(LOCAL_ONLY_DIRS)]


@pytest.mark.parametrize(
    "extension_prefix",
    ["psycopg_binary/_psycopg.", "pydantic_core/_pydantic_core."],
    ids=["psycopg-binary", "pydantic-core"],
)
def test_binary_wheels_match_the_runtime_python_and_architecture(
    arm64_package: Package, extension_prefix: str
) -> None:
    tag = arm64_package.python_version.replace(".", "")
    wheel_architecture = WHEEL_ARCHITECTURES[arm64_package.architecture]
    expected = f"{extension_prefix}cpython-{tag}-{wheel_architecture}-linux-gnu.so"
    assert expected in zip_names(arm64_package)


def test_every_shared_object_is_built_for_the_target_cpu(arm64_package: Package) -> None:
    expected_machine = ELF_MACHINES[arm64_package.architecture]
    with zipfile.ZipFile(arm64_package.zip_path) as archive:
        shared_objects = [name for name in archive.namelist() if ".so" in Path(name).suffixes]
        assert shared_objects
        for name in shared_objects:
            header = archive.read(name)[:20]
            assert header[:4] == b"\x7fELF", name
            assert int.from_bytes(header[18:20], "little") == expected_machine, name


def test_handlers_import_from_the_unzipped_package_alone(
    x86_64_package: Package, tmp_path: Path
) -> None:
    python = require_runtime_python(x86_64_package.python_version)
    with zipfile.ZipFile(x86_64_package.zip_path) as archive:
        archive.extractall(tmp_path)
    modules = [file.removesuffix(".py").replace("/", ".") for file in x86_64_package.handler_files]
    import_handlers(python, [tmp_path], modules)


def test_only_the_seed_function_may_read_the_seed_bucket(arm64_package: Package) -> None:
    resources = arm64_package.template["Resources"]
    roles = {
        name: resource["Properties"]["Role"]
        for name, resource in resources.items()
        if resource["Type"] == "AWS::Lambda::Function"
    }
    seed_role = roles.pop("SeedLambdaFunction")
    assert seed_role == {"Fn::GetAtt": ["SeedRole", "Arn"]}
    assert {json.dumps(role) for role in roles.values()} == {
        json.dumps({"Fn::GetAtt": ["IamRoleLambdaExecution", "Arn"]})
    }
    assert resources["ReadSeedBucketPolicy"]["Properties"]["Roles"] == [{"Ref": "SeedRole"}]
    for grant in ("ReadDatabaseUrlParameterPolicy", "ReadDatabaseSecretPolicy"):
        assert resources[grant]["Properties"]["Roles"] == [
            {"Ref": "IamRoleLambdaExecution"},
            {"Ref": "SeedRole"},
        ]
    assert "s3" not in json.dumps(resources["IamRoleLambdaExecution"]).lower()


def test_requests_no_route_matches_reach_the_app_for_a_json_answer(arm64_package: Package) -> None:
    resources = arm64_package.template["Resources"]
    routes = {
        resource["Properties"]["RouteKey"]: resource["Properties"]["Target"]
        for resource in resources.values()
        if resource["Type"] == "AWS::ApiGatewayV2::Route"
    }
    assert "$default" in routes
    assert "HttpApiIntegrationDocs" in json.dumps(routes["$default"])
