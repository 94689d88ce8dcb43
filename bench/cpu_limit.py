"""Run part of the bench with this process held to a share of one core, as Lambda does.

A 512 MB Lambda function gets about a third of a vCPU. The bench process (and the processes it
spawns, such as the cold-start probes) is moved into a new cgroup with a CPU quota of that
share, then moved back: cgroup v2 `cpu.max` where the cpu controller is delegated, else
cgroup v1 `cpu.cfs_quota_us`. PostgreSQL stays outside, as a remote database would. Where
neither can be written (no root, a read-only cgroupfs), the run says why instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PERIOD_US = 100_000
V1 = Path("/sys/fs/cgroup/cpu")
V2 = Path("/sys/fs/cgroup")


class QuotaUnavailableError(Exception):
    """No CPU quota can be set on this machine; the message says why."""


@contextmanager
def limited(share: float) -> Iterator[str]:
    """This process limited to `share` of one core inside the block; yields how it is done."""
    quota = int(share * PERIOD_US)
    parent, group, how = _make_group(quota)
    try:
        (group / "cgroup.procs").write_text(str(os.getpid()))
        yield how
    finally:
        (parent / "cgroup.procs").write_text(str(os.getpid()))
        group.rmdir()


def _make_group(quota: int) -> tuple[Path, Path, str]:
    name = f"bench-{os.getpid()}"
    own = _own_groups()
    v2_parent = V2 / own.get("", "/").lstrip("/")
    if (V2 / "cgroup.controllers").exists() and "cpu" in _words(
        v2_parent / "cgroup.subtree_control"
    ):
        return (
            v2_parent,
            _group(v2_parent / name, {"cpu.max": f"{quota} {PERIOD_US}"}),
            (f"cgroup v2 cpu.max {quota} {PERIOD_US}"),
        )
    if (V1 / "cpu.cfs_quota_us").exists() and "cpu" in own:
        v1_parent = V1 / own["cpu"].lstrip("/")
        settings = {"cpu.cfs_period_us": str(PERIOD_US), "cpu.cfs_quota_us": str(quota)}
        return (
            v1_parent,
            _group(v1_parent / name, settings),
            (f"cgroup v1 cpu.cfs_quota_us {quota}/{PERIOD_US}"),
        )
    raise QuotaUnavailableError("no cgroup cpu controller here (v2 cpu.max or v1 cpu.cfs_quota_us)")


def _group(path: Path, settings: dict[str, str]) -> Path:
    try:
        path.mkdir()
        for name, value in settings.items():
            (path / name).write_text(value)
    except OSError as err:
        if path.exists():
            path.rmdir()
        raise QuotaUnavailableError(f"cannot set a CPU quota in {path}: {err}") from err
    return path


def _words(path: Path) -> list[str]:
    try:
        return path.read_text().split()
    except OSError:
        return []


def _own_groups() -> dict[str, str]:
    """This process's cgroup per controller ("" for the v2 hierarchy), from /proc/self/cgroup."""
    groups: dict[str, str] = {}
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        for controller in controllers.split(",") if controllers else [""]:
            groups[controller] = path
    return groups
