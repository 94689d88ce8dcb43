"""Lambda: import a dealer CSV export into `vehicles` (see `shared.seed`)."""

from typing import Any

from shared.observability import instrument
from shared.seed import run


@instrument
def handler(event: dict[str, Any] | None, context: object) -> dict[str, Any]:
    return run(event or {})
