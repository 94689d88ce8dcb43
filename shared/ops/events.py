"""Lambda events of the deploy-time commands (migrate, seed), validated by pydantic models.

A bad event fails the invocation with one line naming the field, in the words the commands have
always used (clients and runbooks match on them): `unknown keys in the seed event: limt`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from shared.errors import AppError

Model = TypeVar("Model", bound=BaseModel)


def parse(
    model: type[Model],
    event: object,
    *,
    name: str,
    messages: Mapping[str, str],
    error: type[AppError],
) -> Model:
    """`event` as `model`, or `error` with the message of the first bad field.

    `messages` maps a field to its message, which may quote the value given as `{value!r}`.
    """
    try:
        return model.model_validate(event)
    except ValidationError as err:
        problems = err.errors()
        unknown = sorted(str(p["loc"][0]) for p in problems if p["type"] == "extra_forbidden")
        if unknown:
            raise error(f"unknown keys in the {name} event: {', '.join(unknown)}") from None
        first = problems[0]
        field = str(first["loc"][0]) if first["loc"] else ""
        template = messages.get(field)
        if template is None:
            where = f"{field}: " if field else ""
            raise error(f"the {name} event is not valid: {where}{first['msg']}") from None
        raise error(template.format(value=first.get("input"))) from None
