"""Resident memory of this process, from /proc."""

from pathlib import Path


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def peak_rss_kb() -> int:
    """VmHWM: unlike getrusage's ru_maxrss it starts afresh at exec."""
    return _status_kb("VmHWM")


def rss_kb() -> int:
    """VmRSS: resident now."""
    return _status_kb("VmRSS")
