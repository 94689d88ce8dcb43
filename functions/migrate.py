"""Deploy-time Lambda: apply, revert or report migrations (see `shared.migrations.commands`)."""

from typing import Any

from shared.migrations.commands import run
from shared.ops.telemetry import instrument


@instrument
def handler(event: dict[str, Any] | None, context: object) -> dict[str, Any]:
    return run(event or {})
