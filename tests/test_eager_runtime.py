"""shared/api/eager.py relies on asyncio internals and on Mangum's HTTP cycle: its tests run on
the Lambda runtime's Python (3.12) with the pinned Mangum too, in a venv of their own."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.fixtures.runtime import require_runtime_python

REPO = Path(__file__).resolve().parent.parent
RUNTIME = "3.12"


def test_the_eager_cycle_passes_its_tests_on_the_lambda_runtime_python() -> None:
    python = require_runtime_python(RUNTIME)
    result = subprocess.run(
        ["make", "--no-print-directory", "test-runtime", f"RUNTIME_PYTHON={python}"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert " passed" in result.stdout
    assert "failed" not in result.stdout
