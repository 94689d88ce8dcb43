"""Lambda: import a dealer CSV export into `vehicles` (see `shared.seed.commands`)."""

from typing import Any

from shared.ops.telemetry import instrument
from shared.seed.commands import run


@instrument
def handler(event: dict[str, Any] | None, context: object) -> dict[str, Any]:
    return run(event or {})
