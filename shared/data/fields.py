"""How each vehicle field is stored, exported and listed: the `Column` marker and its readers.

The fields themselves are declared once, as the annotated attributes of the models in
`shared.data.models` (`Writable`: what clients and the seed may write; `Vehicle`: that plus
what the database sets). Each attribute carries a `Column` in its `Annotated[...]` metadata. The
SQL column lists, the JSON the database renders, the COPY rows of the seed and the export's
column names are all read from there, so adding a field is one migration and one line.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from pydantic import BaseModel


class Column(NamedTuple):
    """Storage and presentation of one field: its SQL type, the dealer export's column (which a
    file must have when `export_required`, or when the field is required), whether the list shows
    it, and the SQL expression that renders it in JSON (default: the column).

    `parse` turns the export's cell (never blank) into the value validation receives (`$34,499`
    into 34499); it raises `ValueError` for a cell it cannot read. `source` marks a field that is
    not stored: the SQL expression computing it from stored columns (`image_urls[1]`)."""

    sql_type: str
    export: str | None = None
    export_required: bool = False
    listed: bool = False
    render: str | None = None
    parse: Callable[[str], Any] | None = None
    source: str | None = None


class Spec(NamedTuple):
    """A declared field: its JSON and column name, and its `Column`."""

    name: str
    column: Column

    @property
    def json_sql(self) -> str:
        """The SQL expression of its value in the response JSON."""
        return self.column.render or self.name


def specs(model: type[BaseModel]) -> tuple[Spec, ...]:
    """The declared fields of `model`, in declaration order."""
    found = []
    for name, info in model.model_fields.items():
        column = next((m for m in info.metadata if isinstance(m, Column)), None)
        if column is None:
            raise TypeError(f"{model.__name__}.{name} has no Column in its annotation")
        found.append(Spec(name, column))
    return tuple(found)


def json_object(fields: tuple[Spec, ...]) -> str:
    """`json_build_object('a', a, ...)` of `fields`: the response JSON, rendered by PostgreSQL."""
    return "json_build_object(" + ", ".join(f"'{f.name}', {f.json_sql}" for f in fields) + ")"


def names(fields: tuple[Spec, ...], *, prefix: str = "") -> str:
    """The column list of `fields` (`vin, make, ...`), each name after `prefix` (`v.`); a field
    that is not stored is its `source` expression, named (`image_urls[1] AS thumbnail_url`)."""
    return ", ".join(
        f"{f.column.source} AS {f.name}" if f.column.source else prefix + f.name for f in fields
    )
