"""The body of `PATCH /api/vehicles/{vin}`: a JSON Merge Patch (RFC 7396) of the writable fields.

Derived from `VehicleCreate`, so every field keeps the rules of `POST` and the seed. A field left
out keeps its value; `null` clears an optional field (a list to `[]`); `make`, `model`,
`description` and `status` always have a value, so `null` is refused for them. `vin`,
`created_at` and `updated_at` are not writable: sending them is a 422 naming the field. Unknown
fields are ignored, as in `POST`.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, create_model, field_validator

from shared.data.fields import Column
from shared.data.models import Writable, short_vin_allowed, short_vin_problem
from shared.data.writes import PATCHABLE

READ_ONLY = ("vin", "created_at", "updated_at")
# Fields whose cleared value is not NULL: lists are cleared to the empty list.
CLEARED: dict[str, Any] = {"image_urls": [], "equipment": []}


def _refuse(cls: type[BaseModel], value: Any, info: ValidationInfo) -> Any:  # noqa: ARG001
    raise ValueError(f"{info.field_name} is not writable")


def _schema(schema: dict[str, Any]) -> None:
    # Leaving a field out is what "no change" means: no default to show; a read-only field is
    # one no value of is valid (`not: {}`), so the document says sending it is refused.
    for name in READ_ONLY:
        schema["properties"][name] = {"not": {}, "description": "not writable: a 422 names it"}
    for field in schema["properties"].values():
        field.pop("default", None)


def _patch_model() -> type[BaseModel]:
    attributes: dict[str, Any] = {}
    for spec in PATCHABLE:
        info = Writable.model_fields[spec.name]
        rules = [m for m in info.metadata if not isinstance(m, Column)]
        annotation: Any = Annotated[(info.annotation, *rules)] if rules else info.annotation
        if spec.name in CLEARED:
            annotation = annotation | None
        attributes[spec.name] = (
            annotation,
            Field(None, description=info.description, examples=info.examples),
        )
    for name in READ_ONLY:
        attributes[name] = (Any, Field(None))
    return create_model(
        "VehiclePatch",
        __doc__=__doc__.split("\n\n", 1)[1] if __doc__ else None,
        __config__=ConfigDict(extra="ignore", json_schema_extra=_schema),
        __validators__={"_read_only": field_validator(*READ_ONLY, mode="before")(_refuse)},
        **attributes,
    )


VehiclePatch = _patch_model()


def changes_of(patch: BaseModel) -> dict[str, Any]:
    """The fields the patch sets, with their new values (`null` as the cleared value)."""
    return {
        name: CLEARED.get(name) if value is None else value
        for name, value in patch.model_dump(include=patch.model_fields_set).items()
        if name not in READ_ONLY
    }


def year_problem(vin: str, changes: dict[str, Any]) -> str | None:
    """A new year that the vehicle's short VIN rules out (see `Writable`), or None."""
    year = changes.get("year")
    if year is not None and not short_vin_allowed(vin, year):
        return short_vin_problem(vin)
    return None
