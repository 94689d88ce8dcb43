"""Deploy-time Lambda: apply, revert or report migrations (see `shared.migrate`)."""

from typing import Any

from shared.migrate import run
from shared.observability import instrument


@instrument
def handler(event: dict[str, Any] | None, context: object) -> dict[str, Any]:
    return run(event or {})
