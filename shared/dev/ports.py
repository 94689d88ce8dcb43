"""`make dev`'s ports: refuse to start on a taken one, and wait until the server answers.

`python -m shared.dev.ports check DEV_HTTP_PORT=3000 DEV_LAMBDA_PORT=3002` exits 1 with one line
naming a port that is taken; `python -m shared.dev.ports wait URL PID` returns once URL answers,
or exits 1 if process PID ended first.
"""

from __future__ import annotations

import os
import socket
import sys
import time
import urllib.error
import urllib.request

HOST = "127.0.0.1"


def taken(port: int) -> bool:
    """Whether something listens on (or holds) `port` of HOST."""
    with socket.socket() as probe:
        try:
            probe.bind((HOST, port))
        except OSError:
            return True
    return False


def check(settings: list[str]) -> str | None:
    """The problem with the `NAME=port` settings, or None when every port is free."""
    for setting in settings:
        name, _, value = setting.partition("=")
        if not value.isdigit() or not 0 < int(value) < 65536:
            return f"{name} must be a port number, got {value!r}"
        if taken(int(value)):
            return f"port {value} ({name}) is taken: stop what uses it or set {name}=another port"
    return None


def wait(url: str, pid: int) -> bool:
    """Poll `url` until it answers (any HTTP status); False if process `pid` ended first."""
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our own local server
                return True
        except urllib.error.HTTPError:
            return True
        except OSError:
            try:
                os.kill(pid, 0)
            except OSError:
                return False
            time.sleep(0.2)


def main(argv: list[str]) -> int:
    if argv[:1] == ["check"]:
        problem = check(argv[1:])
        if problem:
            print(f"make dev: {problem}", file=sys.stderr)
            return 1
        return 0
    if argv[:1] == ["wait"] and len(argv) == 3:
        return 0 if wait(argv[1], int(argv[2])) else 1
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
