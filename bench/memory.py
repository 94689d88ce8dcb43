"""Peak resident memory of this process."""

from pathlib import Path


def peak_rss_kb() -> int:
    """VmHWM from /proc: unlike getrusage's ru_maxrss it starts afresh at exec."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status")
