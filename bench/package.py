"""Deployment package size: `serverless package` into a temporary folder, zipped and unzipped."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from bench.stats import Row, Sample

PROJECT = Path(__file__).resolve().parent.parent
OSLS = PROJECT / "node_modules" / ".bin" / "osls"


def rows() -> list[Row]:
    if not OSLS.exists():
        return [Row("package size: skipped (run npm ci)", Sample((0.0,), "MB"))]
    env = {
        **os.environ,
        "SLS_TELEMETRY_DISABLED": "1",
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
    }
    with tempfile.TemporaryDirectory(prefix="bench-package-") as tmp:
        subprocess.run(
            [str(OSLS), "package", "--package", tmp],
            check=True,
            cwd=PROJECT,
            env=env,
            capture_output=True,
        )
        archive = Path(tmp) / "vehicle-inventory.zip"
        zipped = archive.stat().st_size / 1e6
        with zipfile.ZipFile(archive) as zf:
            unzipped = sum(info.file_size for info in zf.infolist()) / 1e6
    return [
        Row(
            "package size, zipped (arm64)",
            Sample((zipped,), "MB"),
            target="< 15 MB",
            passed=zipped < 15,
        ),
        Row("package size, unzipped", Sample((unzipped,), "MB")),
    ]
