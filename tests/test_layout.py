"""The shape of `shared/`: imports point one way, no cycles, the data layer stays light."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Lower layers never import higher ones; equal ranks do not import each other.
RANK = {
    "shared.errors": 0,
    "shared.ops": 1,
    "shared.data": 2,
    "shared.runtime": 3,
    "shared.auth": 4,
    "shared.api": 5,
    "shared.migrations": 4,
    "shared.seed": 4,
}
MAX_LINES = 250


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted((ROOT / "shared").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """Project modules `path` imports, at module level or inside functions."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{alias.name}" for alias in node.names] + [node.module]
        else:
            continue
        found.update(name for name in names if name in modules)
    return found


def _layer(module: str) -> str | None:
    return next(
        (layer for layer in RANK if module == layer or module.startswith(layer + ".")), None
    )


GRAPH = {name: _imports(path, _modules()) for name, path in _modules().items()}


def test_no_import_cycles_between_project_modules() -> None:
    done: set[str] = set()

    def visit(name: str, stack: list[str]) -> None:
        if name in stack:
            cycle = [*stack[stack.index(name) :], name]
            pytest.fail(f"import cycle: {' -> '.join(cycle)}")
        if name in done:
            return
        for imported in GRAPH[name]:
            if imported != name and not name.startswith(imported + "."):  # a package's own parent
                visit(imported, [*stack, name])
        done.add(name)

    for module in GRAPH:
        visit(module, [])


def test_imports_point_down_the_layers() -> None:
    upward = []
    for module, imported in GRAPH.items():
        here = _layer(module)
        for target in imported:
            there = _layer(target)
            if here is None or there is None or here == there:
                continue
            if RANK[there] >= RANK[here]:
                upward.append(f"{module} imports {target}")
    assert upward == []


def test_only_the_runtime_and_tools_import_the_dev_package() -> None:
    importers = {
        m for m, imported in GRAPH.items() if any(i.startswith("shared.dev") for i in imported)
    }
    assert importers - {"shared.runtime"} == {m for m in importers if m.startswith("shared.dev")}


def test_the_data_layer_loads_without_powertools_or_fastapi() -> None:
    code = (
        "import sys, shared.data.database, shared.data.vehicles, shared.data.models;"
        "print(sorted(m for m in ('aws_lambda_powertools', 'fastapi') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "path", sorted(_modules().values()), ids=lambda p: str(p.relative_to(ROOT))
)
def test_modules_stay_small(path: Path) -> None:
    assert len(path.read_text().splitlines()) <= MAX_LINES
