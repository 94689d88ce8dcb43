"""What a user would otherwise deploy: the same three endpoints written the straightforward way.

Both peers serve the same requests from the same table on a pooler-safe psycopg connection
(`prepare_threshold=None`: no prepared statements), validate with the same pydantic models,
build the JSON in Python and have no middleware, no access line and no metrics:
- `fastapi_handler`: Mangum + FastAPI + pydantic, `async def` routes, `response_model`s;
- `powertools_handler`: Powertools' `APIGatewayHttpResolver`, pydantic to parse the body.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC
from typing import Annotated, Any

import psycopg
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler import Response as PowertoolsResponse
from fastapi import FastAPI, HTTPException, Query
from mangum import Mangum
from psycopg.rows import dict_row
from pydantic import ValidationError

from shared.api.schemas import VehiclePage
from shared.data import cursor
from shared.data.fields import names
from shared.data.models import WRITABLE, Vehicle
from shared.data.search import Search
from shared.data.vehicle_create import VehicleCreate

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]

BY_VIN = "SELECT * FROM vehicles WHERE vin = %s"
# The page and the total in one round trip, as ours: one row of NULLs when the page is empty.
PAGE = """
SELECT p.*, p.image_urls[1] AS thumbnail_url, c.total
FROM vehicle_count AS c
LEFT JOIN LATERAL (
    SELECT * FROM vehicles
    ORDER BY created_at DESC, vin LIMIT %s OFFSET %s
) AS p ON true
"""
INSERT = (
    f"INSERT INTO vehicles ({names(WRITABLE)}) "
    f"VALUES ({', '.join(f'%({f.name})s' for f in WRITABLE)}) RETURNING *"
)


_NEWEST = Search()


def connect(url: str) -> psycopg.Connection[dict[str, Any]]:
    """The peers' connection: what a pooler allows, psycopg's defaults otherwise."""
    return psycopg.connect(url, autocommit=True, prepare_threshold=None, row_factory=dict_row)


def _page(conn: psycopg.Connection[dict[str, Any]], page: int, page_size: int) -> dict[str, Any]:
    rows = conn.execute(PAGE, (page_size, (page - 1) * page_size)).fetchall()
    total = rows[0]["total"] if rows else 0
    items = [{k: v for k, v in row.items() if k != "total"} for row in rows if row["vin"]]
    pages = max(1, -(-total // page_size))
    next_cursor = None
    if items and page * page_size < total:  # the same signed cursor as ours, to the next page
        last = items[-1]
        at = last["created_at"].astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        next_cursor = cursor.encode(key_text=at, vin=last["vin"], page=page + 1, search=_NEWEST)
    return {
        "items": items,
        "total": total,
        "page": page,
        "page_size": page_size,
        "total_pages": pages,
        "count": "exact",
        "next_cursor": next_cursor,
    }


def fastapi_handler(url: str) -> Handler:
    conn = connect(url)
    app = FastAPI()

    @app.get("/api/vehicles/{vin}", response_model=Vehicle)
    async def by_vin(vin: str) -> dict[str, Any]:
        row = conn.execute(BY_VIN, (vin.strip().upper(),)).fetchone()
        if row is None:
            raise HTTPException(404, "Vehicle not found.")
        return row

    @app.get("/api/vehicles", response_model=VehiclePage)
    async def list_page(
        page: Annotated[int, Query(ge=1)] = 1,
        page_size: Annotated[int, Query(ge=1, le=100)] = 10,
    ) -> dict[str, Any]:
        return _page(conn, page, page_size)

    @app.post("/api/vehicles", response_model=Vehicle, status_code=201)
    async def create(vehicle: VehicleCreate) -> dict[str, Any]:
        row = conn.execute(INSERT, vehicle.model_dump()).fetchone()
        if row is None:
            raise HTTPException(409, "Vehicle with this VIN already exists.")
        return row

    return Mangum(app, lifespan="off")


def powertools_handler(url: str) -> Handler:
    conn = connect(url)
    app = APIGatewayHttpResolver()

    @app.get("/api/vehicles/<vin>")
    def by_vin(vin: str) -> Any:
        row = conn.execute(BY_VIN, (vin.strip().upper(),)).fetchone()
        if row is None:
            return PowertoolsResponse(404, "application/json", {"detail": "Vehicle not found."})
        return Vehicle.model_validate(row).model_dump(mode="json")

    @app.get("/api/vehicles")
    def list_page() -> Any:
        page = int(app.current_event.get_query_string_value("page", "1") or 1)
        size = int(app.current_event.get_query_string_value("page_size", "10") or 10)
        return VehiclePage.model_validate(_page(conn, page, size)).model_dump(mode="json")

    @app.post("/api/vehicles")
    def create() -> Any:
        try:
            vehicle = VehicleCreate.model_validate_json(app.current_event.body or "")
        except ValidationError as err:
            return PowertoolsResponse(422, "application/json", {"detail": err.errors()})
        row = conn.execute(INSERT, vehicle.model_dump()).fetchone()
        return PowertoolsResponse(
            201, "application/json", Vehicle.model_validate(row).model_dump(mode="json")
        )

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return app.resolve(event, context)

    return handler
