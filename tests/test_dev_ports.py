"""`make dev` checks its ports before starting anything, in one clear line."""

from __future__ import annotations

import socket
import subprocess
import sys

from shared.dev import ports


def test_a_taken_port_is_named_with_its_setting() -> None:
    with socket.socket() as holder:
        holder.bind((ports.HOST, 0))
        holder.listen()
        port = holder.getsockname()[1]
        problem = ports.check([f"DEV_LAMBDA_PORT={port}"])
        result = subprocess.run(
            [sys.executable, "-m", "shared.dev.ports", "check", f"DEV_LAMBDA_PORT={port}"],
            capture_output=True,
            text=True,
            check=False,
        )
    assert problem == (
        f"port {port} (DEV_LAMBDA_PORT) is taken: stop what uses it or set DEV_LAMBDA_PORT=another"
        " port"
    )
    assert (result.returncode, result.stderr) == (1, f"make dev: {problem}\n")


def test_free_ports_pass_and_a_bad_value_is_named() -> None:
    with socket.socket() as probe:
        probe.bind((ports.HOST, 0))
        port = probe.getsockname()[1]
    assert ports.check([f"DEV_HTTP_PORT={port}"]) is None
    assert ports.check(["DEV_HTTP_PORT=http"]) == "DEV_HTTP_PORT must be a port number, got 'http'"


def test_waiting_ends_when_the_server_process_is_gone() -> None:
    with socket.socket() as probe:
        probe.bind((ports.HOST, 0))
        port = probe.getsockname()[1]
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()
    assert ports.wait(f"http://{ports.HOST}:{port}/health", finished.pid) is False
