"""GET /api/vehicles in one statement: the page, its total and where the next page starts.

The statement is composed from constant SQL (here and in `shared.data.search`) chosen by which
filters a request uses; every value is a bound parameter. It renders the answer's JSON itself,
as every statement of `shared.data.vehicles` does; the signed `next_cursor` (the secret stays in
the function) is appended to that text.

- The page: the matching rows' VINs and sort keys in index order, one more than the page to
  know whether another follows, then only the page's rows read whole. Paged by `page` it skips
  `offset` index entries (as the list always did); by `cursor` it seeks to the (key, VIN) after
  the previous page: the same cost at any depth, and rows added meanwhile never shift a page.
- The total: the trigger-kept counter when nothing is filtered (exact and free); with filters,
  `count=exact` counts every match; `estimated` (the default) counts them when the planner
  expects at most `EXACT_COUNT_CAP` (and finds no more), else answers the planner's estimate;
  `none` skips it. `count` says which.
"""

from __future__ import annotations

import json
import re

from psycopg import errors

from shared.data import cursor, plans
from shared.data.database import Database
from shared.data.fields import json_object, names
from shared.data.models import LISTED
from shared.data.search import (
    EXACT_COUNT_CAP,
    PLACEHOLDER,
    SORTS,
    CountMode,
    Position,
    Search,
    order_by,
)
from shared.errors import DatabaseUnavailableError

MAX_OFFSET = 2**63 - 1  # bigint: a page far past the end is simply empty, never an error

_LIST = """
WITH matched AS MATERIALIZED (
    SELECT vin, {key} AS sort_key
    FROM vehicles
    WHERE {where}
    ORDER BY {key_order}
    LIMIT %(page_size)s::bigint + 1 OFFSET %(offset)s::bigint
), page AS (
    SELECT vin, sort_key FROM matched ORDER BY {order} LIMIT %(page_size)s::bigint
)
SELECT json_build_object(
    'items', coalesce(
        (SELECT json_agg({listed} ORDER BY {order})
         FROM (SELECT {columns}, page.sort_key
               FROM page JOIN vehicles AS v USING (vin)) AS vehicles),
        '[]'),
    'total', total.n,
    'page', %(page)s::numeric,
    'page_size', %(page_size)s::bigint,
    'total_pages', CASE WHEN total.n IS NOT NULL
                        THEN greatest(1, ceil(total.n / %(page_size)s::numeric))::bigint END,
    'count', total.kind
)::text,
CASE WHEN EXISTS (SELECT FROM matched OFFSET %(page_size)s::bigint) THEN
    (SELECT json_build_array({key_text}, vin)::text
     FROM page ORDER BY {order} OFFSET %(page_size)s::bigint - 1 LIMIT 1)
END
FROM ({total}) AS total(n, kind)
"""

_TOTAL_COUNTER = "SELECT total, 'exact' FROM vehicle_count"
_TOTAL_NONE = "SELECT NULL::bigint, 'none'"
_TOTAL_EXACT = "SELECT count(*), 'exact' FROM vehicles WHERE {where}"
# The planner is asked first; only when it expects at most the cap are the matches counted
# (the scalar subquery is an InitPlan, run only if its CASE branch is reached), and that count
# stops one past the cap, so an estimate far too low costs no more than a cap's worth of rows.
# Counting is what costs: finding N matches of a filter that keeps a share s of the rows walks
# N / s of them.
_TOTAL_ESTIMATED = """
SELECT CASE WHEN counted <= %(cap)s::bigint THEN counted ELSE greatest(counted, guess) END,
       CASE WHEN counted <= %(cap)s::bigint THEN 'exact' ELSE 'estimated' END
FROM (SELECT guess,
             CASE WHEN guess <= %(cap)s::bigint THEN
                 (SELECT count(*)
                  FROM (SELECT FROM vehicles WHERE {where} LIMIT %(cap)s::bigint + 1) AS capped)
             END AS counted
      FROM (SELECT vehicle_count_estimate(format(%(estimate)s::text, {arguments}))) AS e(guess)
      OFFSET 0  -- a fence: `counted` is read twice above, and must be counted once
     ) AS total
"""


def find(
    *,
    db: Database,
    search: Search,
    page: int,
    page_size: int,
    after: str | None = None,
    count: CountMode = "estimated",
) -> str:
    """The JSON answer of the list: page `page` (from 1), or the page after cursor `after`."""
    position = cursor.decode(after, search) if after else None
    try:
        if _plain(search, position, count):  # its statement is a constant: nothing to compose
            row = plans.fetch_one(db, FIRST_PAGES, _by_page(page, page_size))
        else:
            statement, params = statement_for(
                search, page=page, page_size=page_size, position=position, count=count
            )
            row = db.fetch_one(statement, params, retry=True)
    except (errors.UndefinedFunction, errors.UndefinedColumn) as err:
        # Code deployed, `migrate` not yet run (README: deploy, then migrate): the unfiltered
        # list needs nothing new, but filters and `q` need 0006. A 503 for those few seconds.
        raise DatabaseUnavailableError(f"the list's search needs migration 0006: {err}") from err
    if row is None:  # the counter row is created by migration 0002 and never deleted
        raise RuntimeError("vehicle_count has no row")
    body, last = str(row[0]), row[1]
    next_cursor = None
    if last is not None:
        key_text, vin = json.loads(last)
        number = (position.page if position else min(page, MAX_OFFSET)) + 1
        next_cursor = cursor.encode(key_text=key_text, vin=vin, page=number, search=search)
    return f'{body[:-1]}, "next_cursor" : {json.dumps(next_cursor)}}}'


def _plain(search: Search, position: Position | None, count: CountMode) -> bool:
    """The old API's one list: no filter, newest first, by page (FIRST_PAGES below)."""
    return position is None and count != "none" and search == _NEWEST


def _by_page(page: int, page_size: int) -> dict[str, object]:
    return {"offset": min((page - 1) * page_size, MAX_OFFSET), "page": page, "page_size": page_size}


def statement_for(
    search: Search, *, page: int, page_size: int, position: Position | None, count: CountMode
) -> tuple[str, dict[str, object]]:
    """The statement and its parameters (the bench EXPLAINs them)."""
    sort = SORTS[search.sort]
    filters, params = search.fragments()
    where = " AND ".join(filters) or "true"
    if position is None:
        params.update(_by_page(page, page_size))
        keyset = where
    else:
        params.update(offset=0, page=position.page, after_key=position.key, after_vin=position.vin)
        keyset = f"{where} AND {sort.after}"
    params["page_size"] = page_size
    statement = _LIST.format(
        key=sort.key,
        where=_bound(keyset),
        key_order=order_by(sort.key, sort),
        order=sort.order,
        listed=json_object(LISTED),
        columns=names(LISTED, prefix="v."),
        key_text=sort.key_text,
        total=_total(filters, params, count),
    )
    return statement, params


def _total(filters: list[str], params: dict[str, object], count: CountMode) -> str:
    if count == "none":
        return _TOTAL_NONE
    if not filters:
        return _TOTAL_COUNTER
    where = _bound(" AND ".join(filters))
    if count == "exact":
        return _TOTAL_EXACT.format(where=where)
    estimate, arguments = _estimate(filters)
    params.update(cap=EXACT_COUNT_CAP, estimate=estimate)
    return _TOTAL_ESTIMATED.format(where=where, arguments=arguments)


def _bound(fragment: str) -> str:
    """`{name}::type` as a bound parameter, `%(name)s::type`."""
    return PLACEHOLDER.sub(r"%(\1)s::\2", fragment)


def _estimate(filters: list[str]) -> tuple[str, str]:
    """The query EXPLAIN estimates, as a format() template of `%N$L` literals, and the SQL of
    format()'s arguments: the same bound parameters, as text."""
    arguments: list[str] = []

    def literal(match: re.Match[str]) -> str:
        arguments.append(f"(%({match.group(1)})s::{match.group(2)})::text")
        return f"%{len(arguments)}$L::{match.group(2)}"

    where = " AND ".join(PLACEHOLDER.sub(literal, f) for f in filters)
    return f"SELECT FROM vehicles WHERE {where}", ", ".join(arguments)


_NEWEST = Search()
# The plain list by page, whose plan the database keeps (`shared.data.plans`, migration 0010).
FIRST_PAGES = plans.Cached(
    "vehicle_list_newest",
    "body text, next_key text",
    statement_for(_NEWEST, page=1, page_size=1, position=None, count="exact")[0],
    generic=True,  # the one plan of any page: the index of migration 0007 read in order
)
