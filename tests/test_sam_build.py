"""`sam validate --lint` and `sam build` on template.yaml, without Docker or AWS credentials.

As for the Serverless zip (test_package.py): the default build (arm64, what `sam deploy` ships)
is checked file by file, and an x86_64 build of the same template (`--param architecture=x86_64`,
generated into a temporary folder) is imported by a clean interpreter of the runtime's Python,
each function from its own build folder and the dependencies layer, as Lambda lays them out.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from shared.dev import sam_template
from shared.dev.sam_build import packaged_files
from shared.dev.serverless_config import load
from tests.fixtures.runtime import import_handlers, require_runtime_python
from tests.fixtures.sam import REPO, finish, sam

ELF_MACHINES = {"arm64": 183, "x86_64": 62}
LAYER = "DependenciesLayer"
RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer")


@dataclass(frozen=True)
class Build:
    """One `sam build` output folder and the template it wrote there."""

    directory: Path
    template: dict[str, Any]

    @property
    def functions(self) -> dict[str, dict[str, Any]]:
        return {
            name: resource["Properties"]
            for name, resource in self.template["Resources"].items()
            if resource["Type"] == "AWS::Serverless::Function"
        }

    @property
    def layer(self) -> Path:
        return self.directory / LAYER / "python"


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Build]:
    """Both builds at once: arm64 as a user runs it (samconfig.toml's options), and x86_64."""
    arm64, x86_64 = tmp_path_factory.mktemp("sam-arm64"), tmp_path_factory.mktemp("sam-x86_64")
    variant = x86_64 / "template.yaml"
    variant.write_text(sam_template.render(sam_template.generate({"architecture": "x86_64"})))
    running = [
        sam("build", "--build-dir", str(arm64 / "build")),
        sam(
            "build",
            *("--template-file", str(variant), "--base-dir", str(REPO)),
            *("--build-dir", str(x86_64 / "build"), "--build-in-source"),
            SAM_PARAMS="--param architecture=x86_64",
        ),
    ]
    for process in running:
        finish(process)
    return {
        name: Build(root / "build", yaml.safe_load((root / "build" / "template.yaml").read_text()))
        for name, root in (("arm64", arm64), ("x86_64", x86_64))
    }


def test_sam_validate_lint_accepts_the_template() -> None:
    output = finish(sam("validate", "--lint"))
    assert "is a valid SAM Template" in output


def test_every_function_is_built_from_the_files_serverless_packages(
    builds: dict[str, Build],
) -> None:
    expected = sorted(packaged_files(load()["package"]["patterns"]))
    assert "functions/health.py" in expected
    assert not [name for name in expected if name.startswith(("shared/dev/", "tests/"))]
    for name, properties in builds["arm64"].functions.items():
        folder = builds["arm64"].directory / properties["CodeUri"]
        built = sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*"))
        assert [path for path in built if (folder / path).is_file()] == expected, name


def test_the_layer_holds_arm64_wheels_and_not_what_the_runtime_provides(
    builds: dict[str, Build],
) -> None:
    layer = builds["arm64"].layer
    assert not [name for name in RUNTIME_PROVIDED if (layer / name).exists()]
    shared_objects = [path for path in layer.rglob("*") if ".so" in path.suffixes]
    assert any(path.name.startswith("_psycopg.cpython-312-") for path in shared_objects)
    for path in shared_objects:
        header = path.read_bytes()[:20]
        assert header[:4] == b"\x7fELF", path
        assert int.from_bytes(header[18:20], "little") == ELF_MACHINES["arm64"], path


def test_handlers_import_from_the_sam_build_output_alone(builds: dict[str, Build]) -> None:
    build = builds["x86_64"]
    runtime = build.template["Globals"]["Function"]["Runtime"]
    python = require_runtime_python(runtime.removeprefix("python"))
    for properties in build.functions.values():
        module = properties["Handler"].rsplit(".", 1)[0].replace("/", ".")
        import_handlers(python, [build.directory / properties["CodeUri"], build.layer], [module])
