"""A project-local PostgreSQL for development and tests: no account, no Docker, no system install.

`pgserver` (PyPI) ships PostgreSQL in a wheel. The server listens on a Unix socket inside its data
folder under `.pgdata/` (gitignored). `python -m shared.dev.postgres url` (what `make dev` runs)
starts it and leaves it running until `python -m shared.dev.postgres stop` (`make db-stop`); a
one-off command (`make migrate`, `make seed`) that had to start it stops it when it exits, and
leaves running a server it found running. Never used inside Lambda: only when no `DATABASE_URL`
is set on a developer's machine.
"""

from __future__ import annotations

import argparse
import atexit
import os
import subprocess
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
from psycopg import sql

from shared.ops import cli

PROJECT_DIR = Path(__file__).resolve().parents[2]
DATA_ROOT = PROJECT_DIR / ".pgdata"
DEV_DATABASE = "vehicles"


def server(name: str = "dev", *, keep_running: bool = True) -> Any:
    """Start (or join) the embedded server whose data lives in `.pgdata/<name>`."""
    DATA_ROOT.mkdir(exist_ok=True)
    mode = None if keep_running else "stop"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns about XDG_RUNTIME_DIR as root
        return _pgserver().get_server(DATA_ROOT / name, cleanup_mode=mode)


def database_url(
    database: str = DEV_DATABASE, *, name: str = "dev", keep_running: bool = True
) -> str:
    """URL of `database` on the embedded server, creating the database if it does not exist."""
    srv = server(name, keep_running=keep_running)
    admin_url = srv.get_uri()
    ensure_database(admin_url, database)
    return url_for(admin_url, database)


def command_database_url(database: str = DEV_DATABASE, *, name: str = "dev") -> str:
    """`database_url` for a one-off command: a server this call starts is stopped when the
    process exits; one that was already running is left running."""
    started_here = not running(name)
    url = database_url(database, name=name)
    if started_here:
        atexit.register(stop, name)
    return url


def running(name: str = "dev") -> bool:
    """Whether the embedded server of `.pgdata/<name>` runs (its postmaster is alive)."""
    try:
        pid = int((DATA_ROOT / name / "postmaster.pid").read_text().split()[0])
        os.kill(pid, 0)
    except (OSError, ValueError, IndexError):
        return False
    return True


def url_for(admin_url: str, database: str) -> str:
    """`admin_url` (pgserver's `.../postgres?host=...`) pointed at another database."""
    prefix, _, query = admin_url.partition("?")
    return f"{prefix.rsplit('/', 1)[0]}/{quote(database)}?{query}"


def ensure_database(admin_url: str, database: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
        if exists is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))


def stop(name: str = "dev") -> bool:
    """Stop the embedded server if it runs; its data is kept for the next start."""
    data = DATA_ROOT / name
    if not running(name):
        return False
    pg_ctl = Path(_pgserver().__file__).parent / "pginstall" / "bin" / "pg_ctl"
    user = ["runuser", "-u", "pgserver", "--"] if os.geteuid() == 0 else []
    command = [*user, str(pg_ctl), "stop", "-D", str(data), "-m", "fast"]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)  # noqa: S603 - our own paths
    return True


def _pgserver() -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns about XDG_RUNTIME_DIR as root
        import pgserver  # noqa: PLC0415 - a development tool; never imported in Lambda

    return pgserver


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m shared.dev.postgres", description=__doc__)
    parser.add_argument("command", choices=["url", "stop"])
    parser.add_argument("--database", default=DEV_DATABASE)
    args = parser.parse_args(argv)
    with cli.reported("postgres"):
        if args.command == "url":
            print(database_url(args.database))
        else:
            print("stopped" if stop() else "not running")


if __name__ == "__main__":
    main()
