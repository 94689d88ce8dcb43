"""The query parameters of GET /api/vehicles: their types, ranges and descriptions (which the
OpenAPI document shows as they are), and their normalized form, `shared.data.search.Search`.

Unknown parameters are ignored. A range whose minimum exceeds its maximum is a 422 naming the
minimum, like any other invalid parameter.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, WithJsonSchema

from shared.data.search import CountMode, Search
from shared.data.types import FIRST_YEAR, MAX_MILEAGE, MAX_PRICE, ShortText, Status

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 10
MAX_VALUES = 20  # of a repeated parameter
MAX_YEAR = 9999
SortName = Literal["newest", "oldest", "price", "-price", "mileage", "-mileage", "year", "-year"]
SearchText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=200, pattern=r"^[^\x00]*$")
]
# Any amount in the price column's range (a bound needs no cents rule); a number in the
# document, as the record's price is, not pydantic's number-or-string.
Amount = Annotated[
    Decimal,
    Field(ge=0, le=MAX_PRICE),
    WithJsonSchema({"type": "number", "minimum": 0, "maximum": float(MAX_PRICE)}),
]
Year = Annotated[int, Field(ge=FIRST_YEAR, le=MAX_YEAR)]


class ListQuery(BaseModel):
    """Filters, sort and paging of the list; all optional and combinable."""

    model_config = ConfigDict(extra="ignore")

    page: int = Field(1, ge=1, description="from 1; past the end: no items")
    page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    cursor: str | None = Field(
        None,
        description="`next_cursor` of the previous answer, with the same filters and sort: the "
        "next page by keyset, as fast at any depth and stable while vehicles are added "
        "(`page` is then ignored; `page_size` may change). A garbled cursor (or one longer than "
        "512 characters), or one of another query, is 400",
    )
    make: list[ShortText] = Field(
        [], max_length=MAX_VALUES, description="exact, any letter case; repeat for any of several"
    )
    model: list[ShortText] = Field(
        [], max_length=MAX_VALUES, description="exact, any letter case; repeat for any of several"
    )
    year_min: Year | None = Field(None, description="model year at least this; <= year_max")
    year_max: Year | None = Field(None, description="model year at most this")
    price_min: Amount | None = Field(None, description="price at least this; <= price_max")
    price_max: Amount | None = Field(None, description="price at most this")
    mileage_max: int | None = Field(None, ge=0, le=MAX_MILEAGE, description="miles, at most")
    status: list[Status] = Field([], max_length=3, description="repeat for any of several")
    dealer: ShortText | None = Field(None, description="the dealer's name, exact, any case")
    condition: ShortText | None = Field(
        None, description="as the dealer writes it (`Used`), exact, any letter case"
    )
    q: SearchText | None = Field(
        None,
        description="words anywhere in make, model, trim, description or stock number (any "
        'letter case and accents; "quoted phrase", -excluded, or); one word of letters, digits '
        "and hyphens also matches the start of a VIN or stock number",
    )
    sort: SortName = Field(
        "newest",
        description="newest (created first) or oldest; price, mileage, year ascending, `-` "
        "descending. Ties by VIN; each sort is the exact reverse of its `-` form, and vehicles "
        "without the value come last in price, mileage and -year (first in their reverse)",
    )
    count: CountMode | None = Field(
        None,
        description="the total: exact (every match counted), estimated (default: counted exactly "
        "when the planner expects at most 1,000 matches and there are no more, else the "
        "planner's estimate) or none; the answer's `count` says which it got. Without filters "
        "the total is always exact and costs nothing",
    )

    def search(self) -> Search:
        """The normalized filter set and sort; a minimum above its maximum is a 422."""
        for low, high in (("year_min", "year_max"), ("price_min", "price_max")):
            minimum, maximum = getattr(self, low), getattr(self, high)
            if minimum is not None and maximum is not None and minimum > maximum:
                raise RequestValidationError(
                    [
                        {
                            "type": "value_error",
                            "loc": ("query", low),
                            "msg": f"Value error, {low} must not exceed {high}",
                            "input": str(minimum),
                        }
                    ]
                )
        return Search(
            makes=tuple(sorted(set(self.make))),
            models=tuple(sorted(set(self.model))),
            year_min=self.year_min,
            year_max=self.year_max,
            price_min=self.price_min,
            price_max=self.price_max,
            mileage_max=self.mileage_max,
            statuses=tuple(sorted(set(self.status))),
            dealer=self.dealer,
            condition=self.condition,
            q=" ".join(self.q.split()) if self.q else None,
            sort=self.sort,
        )
