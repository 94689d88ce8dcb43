"""Lambda: import a dealer CSV export into `vehicles` (see `shared.seed`)."""

from typing import Any

from shared.seed import run


def handler(event: dict[str, Any] | None, context: object) -> dict[str, Any]:
    return run(event or {})
