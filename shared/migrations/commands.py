"""The migrate commands, for the deploy-time Lambda and the command line.

Lambda event: `{}` or `{"action": "up", "target": "0002"}`, `{"action": "status"}`,
`{"action": "down", "target": "0001"}` or `{"action": "down", "steps": 1}`.
Command line: `python -m shared.migrations up|down|status|create ...` (see `--help`).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, StrictInt, StrictStr

from shared.data.database import Database
from shared.errors import MigrationError
from shared.migrations.files import create
from shared.migrations.runner import Migrator
from shared.ops import cli, events, telemetry
from shared.runtime import get_database, local_database

Action = Literal["up", "down", "status"]
ACTIONS: tuple[str, ...] = get_args(Action)


class MigrateEvent(BaseModel):
    """The migrate function's event; every key optional, no other key allowed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    action: Action = "up"
    target: StrictStr | None = None
    steps: StrictInt | None = None


_MESSAGES = {
    "action": f"action must be one of {', '.join(ACTIONS)}, got {{value!r}}",
    "target": "target must be a version string such as '0001'",
    "steps": "steps must be a whole number",
}


def run(event: Mapping[str, Any], db: Database | None = None) -> dict[str, Any]:
    """Carry out one migrate event and return its JSON-ready summary; failures raise."""
    parsed = events.parse(
        MigrateEvent, event, name="migrate", messages=_MESSAGES, error=MigrationError
    )
    action, target, steps = parsed.action, parsed.target, parsed.steps
    migrator = Migrator(db or get_database())
    if action == "status":
        return migrator.status()
    if action == "up":
        if steps is not None:
            raise MigrationError("up takes a target, not steps")
        summary = migrator.up(target)
        telemetry.count("MigrationsApplied", len(summary["applied_now"]))
        return summary
    return migrator.down(target=target, steps=steps)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m shared.migrations", description=__doc__)
    commands = parser.add_subparsers(dest="action", required=True)
    up = commands.add_parser("up", help="apply pending migrations")
    up.add_argument("--target", help="stop after this version")
    down = commands.add_parser("down", help="revert migrations (one by default)")
    group = down.add_mutually_exclusive_group()
    group.add_argument("--target", help="revert every migration above this version")
    group.add_argument("--steps", type=int, help="how many migrations to revert")
    commands.add_parser("status", help="show current, applied and pending migrations")
    new = commands.add_parser("create", help="write a new numbered migration file")
    new.add_argument("name", nargs="+", help="words of the name: add color -> NNNN_add_color.sql")
    args = parser.parse_args(argv)
    with cli.reported("migrate"):
        if args.action == "create":
            print(create(" ".join(args.name)))
            return
        event = {k: v for k, v in vars(args).items() if v is not None}
        print(json.dumps(run(event, local_database()), indent=2, default=str))


if __name__ == "__main__":
    main()
