"""The list's query language in SQL: filters, sorts, full-text search, keyset paging, totals.

One statement per request, composed from the constant fragments below; every value is a bound
parameter. A fragment names its parameters `{name}::type`: rendered `%(name)s::type` for the
statement, and `%N$L::type` for the text that `vehicle_count_estimate` (migration 0006) hands to
EXPLAIN, where `format()` quotes the bound values as literals inside the database.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime
from decimal import Decimal
from typing import Literal, NamedTuple

from shared.data.types import MAX_PRICE

CountMode = Literal["exact", "estimated", "none"]
KeyKind = Literal["timestamp", "numeric", "integer"]
SortKey = datetime | Decimal | int

# `count=estimated` (the default with filters) counts the matches exactly when the planner
# expects at most this many and there are no more; else it answers the planner's estimate.
EXACT_COUNT_CAP = 1_000
_TIMESTAMP_TEXT = """to_char(sort_key AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')"""


class Sort(NamedTuple):
    """An order: its key expression (NULL replaced by a value outside the column's range, as in
    the indexes of migration 0007) and directions. Ties go by VIN, in the direction that makes
    each sort the exact reverse of its opposite, so one index serves both."""

    key: str
    descending: bool
    vin_descending: bool
    kind: KeyKind

    @property
    def order(self) -> str:
        return order_by("sort_key", self)

    @property
    def key_text(self) -> str:
        """The last row's key as the cursor stores it."""
        return _TIMESTAMP_TEXT if self.kind == "timestamp" else "sort_key::text"

    @property
    def after(self) -> str:
        """Rows after the cursor's position: a row comparison the index seeks to when both
        directions agree, else the key bound the index uses plus the tie-break."""
        op, vin_op = ("<" if self.descending else ">"), ("<" if self.vin_descending else ">")
        cast = {"timestamp": "timestamptz", "numeric": "numeric", "integer": "bigint"}[self.kind]
        key, at = self.key, f"%(after_key)s::{cast}"
        if self.descending == self.vin_descending:
            return f"({key}, vin) {op} ({at}, %(after_vin)s::text)"
        return f"{key} {op}= {at} AND ({key} {op} {at} OR vin {vin_op} %(after_vin)s::text)"


_PRICE, _MILEAGE, _YEAR = (
    "coalesce(price, 1e12)",
    "coalesce(mileage::bigint, 2147483648)",
    "coalesce(year, 0)",
)
# Vehicles without the value come last in the usual direction (cheapest, lowest mileage, newest
# model year first) and first in its reverse.
SORTS: dict[str, Sort] = {
    "newest": Sort("created_at", descending=True, vin_descending=False, kind="timestamp"),
    "oldest": Sort("created_at", descending=False, vin_descending=True, kind="timestamp"),
    "price": Sort(_PRICE, descending=False, vin_descending=False, kind="numeric"),
    "-price": Sort(_PRICE, descending=True, vin_descending=True, kind="numeric"),
    "mileage": Sort(_MILEAGE, descending=False, vin_descending=False, kind="integer"),
    "-mileage": Sort(_MILEAGE, descending=True, vin_descending=True, kind="integer"),
    "year": Sort(_YEAR, descending=False, vin_descending=False, kind="integer"),
    "-year": Sort(_YEAR, descending=True, vin_descending=True, kind="integer"),
}

_DOCUMENT = "search_document"  # kept by a trigger (migration 0006)
_WORDS = "websearch_to_tsquery('simple', vehicle_search_fold({q}::text))"
# A VIN or stock number typed in part: one word of letters, digits and hyphens.
_INNER_HYPHEN = re.compile(r"(?<=\w)[-/](?=\w)")
_CODE = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*")


class Search(NamedTuple):
    """A normalized filter set and sort: repeats dropped, values sorted, spaces collapsed."""

    makes: tuple[str, ...] = ()
    models: tuple[str, ...] = ()
    year_min: int | None = None
    year_max: int | None = None
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    mileage_max: int | None = None
    statuses: tuple[str, ...] = ()
    dealer: str | None = None
    condition: str | None = None
    q: str | None = None
    sort: str = "newest"

    def fingerprint(self) -> str:
        """A digest of the query, which a cursor must carry to be accepted."""
        if self == _NEWEST:  # the old API's plain list, most pages served: its digest is known
            return _NEWEST_DIGEST
        return self._digest()

    def _digest(self) -> str:
        # The fields as `dataclasses.asdict` gave them (tuples as JSON lists): the digests of
        # the cursors already out there stay the same.
        fields = self._asdict()
        text = json.dumps(fields, sort_keys=True, default=str, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    @property
    def filtered(self) -> bool:
        return any(getattr(self, name) for name in self._fields if name != "sort")

    def fragments(self) -> tuple[list[str], dict[str, object]]:
        """The WHERE fragments of this search and the parameters they name."""
        named = [_any_of(column, values) for column, values in
                 (("make", self.makes), ("model", self.models)) if values]  # fmt: skip
        parts: list[tuple[str, dict[str, object]]] = list(named)
        if self.year_min is not None or self.year_max is not None:
            low, high = self.year_min or 1, self.year_max or 2**31 - 1
            parts.append((f"{_YEAR} BETWEEN {{year_min}}::integer AND {{year_max}}::integer",
                          {"year_min": low, "year_max": high}))  # fmt: skip
        if self.price_min is not None or self.price_max is not None:
            low_price, high_price = self.price_min or Decimal(0), self.price_max or MAX_PRICE
            parts.append((f"{_PRICE} BETWEEN {{price_min}}::numeric AND {{price_max}}::numeric",
                          {"price_min": low_price, "price_max": high_price}))  # fmt: skip
        if self.mileage_max is not None:
            parts.append(
                (f"{_MILEAGE} <= {{mileage_max}}::bigint", {"mileage_max": self.mileage_max})
            )
        if self.statuses:
            parts.append(("status = ANY({statuses}::text[])", {"statuses": list(self.statuses)}))
        if self.dealer:
            parts.append(("lower(dealer_name) = lower({dealer}::text)", {"dealer": self.dealer}))
        if self.condition:
            parts.append(
                ("lower(condition) = lower({condition}::text)", {"condition": self.condition})
            )
        if self.q:
            parts.append(_text_search(self.q, implied=[names for _, names in named]))
        params = {k: v for _, p in parts for k, v in p.items()}
        return [fragment for fragment, _ in parts], params


_NEWEST = Search()
_NEWEST_DIGEST = _NEWEST._digest()


class Position(NamedTuple):
    """Where a page ends: the sort key and VIN of its last row, and the next page's number."""

    key: SortKey
    vin: str
    page: int


# `{name}::type` in a fragment: a parameter and its SQL type.
PLACEHOLDER = re.compile(r"\{(\w+)\}::([a-z]+(?:\[\])?)")


def _text_search(q: str, *, implied: list[dict[str, object]]) -> tuple[str, dict[str, object]]:
    # A word with hyphens or slashes inside is looked up whole, as the document also holds it
    # ("F-150" and "F150": f150), except inside a "quoted phrase", where it is split as in the
    # document's running text (f, 150). A hyphen before a word stays websearch's "not".
    parts = q.split('"')
    words = '"'.join(
        _INNER_HYPHEN.sub(" " if inside % 2 else "", part) for inside, part in enumerate(parts)
    )
    params: dict[str, object] = {"q": words}
    query = _WORDS
    if _CODE.fullmatch(q) and len(q) >= 3:
        # `4xe` as a word, or `1HGCM8`/`AB-12` as the start of a VIN or stock number.
        params["prefix"] = q.lower().replace("-", "") + ":*"
        query = f"({_WORDS} || to_tsquery('simple', {{prefix}}::text))"
    also = [_implied(names) for names in implied]
    if also:
        # Never added to a query of no words ('!!!'): '' && 'bmw' would be 'bmw', every BMW.
        narrowed = " && ".join([query, *also])
        query = f"CASE WHEN numnode({query}) = 0 THEN {query} ELSE {narrowed} END"
    return f"{_DOCUMENT} @@ {query}", params | {k: v for p in implied for k, v in p.items()}


# The `make` and `model` filters' words, added to `q`'s words (`_text_search`). Every row of
# make X has X's words in its document (0006 builds it from make, model, ... joined by spaces),
# so the answer is the same; but the GIN index then intersects them too. Words that always go
# together ("panoramic sunroof": 125,000 rows of a million) otherwise hand the make's index a
# 125,000-row bitmap to intersect: 40 ms, twice with the count (docs/performance.md). Only for
# values of plain letters and digits once folded as the document folds them (hyphens and
# slashes are spaces there): the parser reads those words the same alone and within the
# document, where other characters can join what follows (`<b x` and a later `>` are one
# markup tag, no words). Any other value adds nothing (''), nor does a list holding one.
# tests/test_search_implied.py pins both.
_SAFE_WORDS = "'^[a-z0-9]+( +[a-z0-9]+)*$'"


def _implied(names: dict[str, object]) -> str:
    folded = [f"translate(vehicle_search_fold({{{name}}}::text), '-/', '  ')" for name in names]
    safe = " AND ".join(f"{text} ~ {_SAFE_WORDS}" for text in folded)
    either = " || ".join(f"plainto_tsquery('simple', {text})" for text in folded)
    return f"(CASE WHEN {safe} THEN {either} ELSE ''::tsquery END)"


def _any_of(column: str, values: tuple[str, ...]) -> tuple[str, dict[str, object]]:
    """Any of `values` in any letter case, each lowered by PostgreSQL as the index is: a
    constant array the planner sees and estimates, one index probe per value."""
    params: dict[str, object] = {f"{column}_{i}": value for i, value in enumerate(values)}
    items = ", ".join(f"lower({{{name}}}::text)" for name in params)
    return f"lower({column}) = ANY(ARRAY[{items}])", params


def order_by(key: str, sort: Sort) -> str:
    return (
        f"{key} {'DESC' if sort.descending else 'ASC'}, "
        f"vin {'DESC' if sort.vin_descending else 'ASC'}"
    )
