"""The API's statements as plpgsql functions, so PostgreSQL plans each once per server process.

Behind a transaction pooler nothing can be prepared, so a statement sent as text is planned on
every request: 260-330 us for the list's first page, more than running it, about 170 us for the
POST's INSERT and 70 us for a vehicle by VIN (docs/performance.md). A plpgsql function's
statements are planned on their first call in each server process and the plan kept in that
process's plan cache: custom plans for the first five calls, then the generic one when it is
estimated no dearer (`generic`: from the first call). That cache lives in the server, not in
the client session a pooler hands around: a function call is one ordinary statement, safe
behind PgBouncer and Supavisor in transaction mode. Plans are kept, never answers; a change of
the table (a migration, an ANALYZE) makes the server plan again.

A `Cached` is a statement (derived from the field declaration, as everywhere) and the function
that runs the same text (migration 0010). `fetch_one` calls the function, and sends the statement
itself while the database does not have it (code deployed, `migrate` not yet run).
tests/test_plans.py checks that the migrated database's functions run exactly `body()`: a
changed statement (a field added to the declaration) fails it until a migration replaces them
with what `python -m shared.dev.plans` prints.
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import Any

from psycopg import errors

from shared.data.database import Database, Row

# A parameter as the statements write it, `%(name)s::type`: the type is the function's argument.
_PARAMETER = re.compile(r"%\((\w+)\)s(?:::([a-z_]+(?:\(\d+(?:,\d+)?\))?(?:\[\])?))?")
_TYPMOD = re.compile(r"\(\d+(?:,\d+)?\)")


class Cached:
    """A statement with `%(name)s::type` parameters and the function `name` that runs it.

    A plain class: Python 3.11 compiles a dataclass's generated methods at import, about 1.5 ms
    of every function's cold start a class."""

    def __init__(
        self,
        name: str,
        returns: str,
        statement: str,
        *,
        writes: bool = False,
        generic: bool = False,
    ) -> None:
        self.name = name
        self.returns = returns  # the function's result columns: `body text, etag text`
        self.statement = statement
        self.writes = writes  # VOLATILE, and never retried; else STABLE
        # Plan it once for any parameters. The plan cache would otherwise keep planning a LIMIT
        # given as a parameter anew: its generic plan assumes a tenth of the table is wanted.
        self.generic = generic

    @cached_property
    def parameters(self) -> tuple[tuple[str, str], ...]:
        """(name, SQL type) of each parameter, in order of first use, typed by that first use:
        the function's arguments. Every use must say its type (`%(page_size)s::numeric`)."""
        found: dict[str, str] = {}
        for name, sql_type in _PARAMETER.findall(self.statement):
            if not sql_type:
                raise ValueError(f"{self.name}: every use of %({name})s needs a ::type")
            found.setdefault(name, sql_type)
        return tuple(found.items())

    @cached_property
    def call(self) -> str:
        """The statement that calls the function, with the same parameters."""
        arguments = ", ".join(f"%({name})s::{sql_type}" for name, sql_type in self.parameters)
        return f"SELECT * FROM {self.name}({arguments})"  # noqa: S608 - constants, no values

    def body(self) -> str:
        """The function's body: the statement, its parameters as the function's `$n`. Columns
        win over the result's names (`etag` is both)."""
        position = {name: f"${n}" for n, (name, _) in enumerate(self.parameters, start=1)}
        query = _PARAMETER.sub(lambda match: f"{position[match[1]]}::{match[2]}", self.statement)
        return f"\n#variable_conflict use_column\nBEGIN\n    RETURN QUERY {query.strip()};\nEND\n"

    @property
    def arguments(self) -> str:
        """The function's argument types, as PostgreSQL keeps them (no length or precision)."""
        return ", ".join(_TYPMOD.sub("", sql_type) for _, sql_type in self.parameters)

    def definition(self) -> str:
        """`CREATE OR REPLACE FUNCTION` of it, as a migration states it."""
        attributes = "VOLATILE" if self.writes else "STABLE"
        if self.generic:
            attributes += " SET plan_cache_mode = force_generic_plan"
        return (
            f"CREATE OR REPLACE FUNCTION {self.name}({self.arguments})"
            f" RETURNS TABLE ({self.returns})\n"
            f"LANGUAGE plpgsql {attributes} AS $function${self.body()}$function$;\n"
        )


def fetch_one(db: Database, cached: Cached, params: dict[str, Any]) -> Row | None:
    """The first row of `cached`, by its function; by its statement before migration 0010
    (code deployed, `migrate` not yet run). A failed call wrote nothing, so a write may too."""
    try:
        return db.fetch_one(cached.call, params, retry=not cached.writes)
    except errors.UndefinedFunction:
        return db.fetch_one(cached.statement, params, retry=not cached.writes)
