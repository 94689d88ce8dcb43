"""The vehicle's fields are declared once; the table, the SQL, the schemas and the seed agree."""

from __future__ import annotations

from typing import Any

from shared.api.schemas import VehiclePage
from shared.data.database import Database
from shared.data.listing import statement_for
from shared.data.models import (
    FIELDS,
    LISTED,
    STORED,
    WRITABLE,
    Vehicle,
    VehicleSummary,
)
from shared.data.search import Search
from shared.data.vehicle_create import VehicleCreate
from shared.data.vehicles import GET_BY_VIN, INSERT
from shared.seed.export import COLUMNS
from shared.seed.loader import COPY_STAGING, CREATE_STAGING


def test_the_vehicles_table_has_each_declared_column_with_its_type(db: Database) -> None:
    rows = db.fetch_one(
        "SELECT json_object_agg(column_name, format_type(atttypid, atttypmod)) "
        "FROM information_schema.columns JOIN pg_attribute "
        "ON attrelid = 'vehicles'::regclass AND attname = column_name "
        "WHERE table_name = 'vehicles'",
        retry=True,
    )
    assert rows is not None
    types = {"text": "text", "text[]": "text[]", "timestamptz": "timestamp with time zone"}
    declared = {f.name: types.get(f.column.sql_type, f.column.sql_type) for f in STORED}
    # Kept by the database for itself, never a field of the API: `q`'s document (0006).
    internal = {"search_document": "tsvector"}
    assert rows[0] == {**declared, **internal}


def test_the_answer_schemas_hold_the_declared_fields_in_order() -> None:
    assert list(Vehicle.model_fields) == [f.name for f in FIELDS]
    assert list(VehicleSummary.model_fields) == [f.name for f in LISTED]
    assert list(VehicleCreate.model_fields) == [f.name for f in WRITABLE]
    items: Any = VehiclePage.model_json_schema()["$defs"]
    assert list(items["VehicleSummary"]["properties"]) == [f.name for f in LISTED]


def test_the_sql_renders_every_declared_field() -> None:
    for spec in FIELDS:
        assert f"'{spec.name}', " in GET_BY_VIN
        assert f"'{spec.name}', " in INSERT
    listed, _ = statement_for(Search(), page=1, page_size=10, position=None, count="exact")
    for spec in LISTED:
        assert f"'{spec.name}', " in listed
    assert "'description'" not in listed


def test_the_seed_copies_and_reads_every_writable_field() -> None:
    for spec in WRITABLE:
        assert spec.name in CREATE_STAGING
        assert spec.name in COPY_STAGING
        assert COLUMNS.get(spec.name) == spec.column.export
