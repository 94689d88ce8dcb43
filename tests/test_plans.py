"""The statements whose plans the database keeps (`shared.data.plans`, migrations 0010-0011): the
functions run exactly the statements the code derives, answer what those statements answer
(directly and through PgBouncer, before and after the plan cache switches to a generic plan), see
every write at once, survive a change of the table, and a database without them is read and
written as before."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest

from shared.auth import keys
from shared.data import listing, plans, vehicles, writes
from shared.data.database import Database
from shared.data.fields import names
from shared.data.models import WRITABLE
from shared.data.search import Search
from shared.data.vehicle_create import VehicleCreate
from shared.dev import plans as plan_functions
from shared.errors import PreconditionFailedError
from shared.migrations.files import MIGRATIONS_DIR, load
from shared.migrations.runner import Migrator
from shared.ops.settings import Settings
from tests.fixtures.api import insert_vehicle, new_vehicle
from tests.fixtures.exports import synthetic_vin

FUNCTIONS = list(plan_functions.FUNCTIONS)
DEFINED = """
SELECT p.prosrc, pg_get_function_identity_arguments(p.oid), pg_get_function_result(p.oid),
       p.provolatile, p.proconfig
FROM pg_proc AS p WHERE p.proname = %(name)s
"""
# More calls than the five custom plans the plan cache makes before it may go generic.
CALLS = 8
START = datetime(2026, 1, 1, tzinfo=UTC)
TIMES = re.compile(r'"\d{4}-\d\d-\d\dT[\d:.]+Z"')


def page_params(page: int, page_size: int) -> dict[str, object]:
    return {"page": page, "page_size": page_size, "offset": (page - 1) * page_size}


def stock(db: Database, count: int) -> list[str]:
    """`count` vehicles, a second apart (the last one newest), two of them at the same instant."""
    vins = [synthetic_vin(n) for n in range(count)]
    for n, vin in enumerate(vins):
        insert_vehicle(db, vin=vin, created_at=START + timedelta(seconds=min(n, count - 2)))
    return vins


@pytest.fixture
def routed(db: Database, route_url: Callable[[str], str], database_url: str) -> Iterator[Database]:
    """The emptied session database, reached directly or through PgBouncer."""
    database = Database(Settings(database_url=route_url(database_url)))
    yield database
    database.close()


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda function: function.name)
def test_the_migrated_functions_run_the_statements_the_code_derives(
    db: Database, function: plans.Cached
) -> None:
    row = db.fetch_one(DEFINED, {"name": function.name}, retry=True)
    assert row is not None, f"{function.name} is missing: run `python -m shared.dev.plans`"
    source, arguments, result, volatility, config = row
    assert source == function.body(), (
        f"{function.name} differs from the code's statement: add a migration with the definition "
        "`python -m shared.dev.plans` prints"
    )
    assert arguments == function.arguments
    assert result == f"TABLE({function.returns})"
    # A read is STABLE (it sees what committed before its statement), a write VOLATILE.
    assert volatility == ("v" if function.writes else "s")
    assert (config or []) == (["plan_cache_mode=force_generic_plan"] if function.generic else [])


@pytest.mark.parametrize(
    ("page", "page_size"), [(1, 10), (2, 10), (3, 10), (1, 1), (1, 100), (4, 10), (99, 7)]
)
def test_a_page_by_function_is_the_page_by_statement(
    routed: Database, page: int, page_size: int
) -> None:
    stock(routed, 31)
    params = page_params(page, page_size)
    by_statement = routed.fetch_one(listing.FIRST_PAGES.statement, params, retry=True)
    for _ in range(CALLS):
        assert routed.fetch_one(listing.FIRST_PAGES.call, params, retry=True) == by_statement


def test_a_vehicle_by_function_is_the_vehicle_by_statement(routed: Database) -> None:
    vins = stock(routed, 3)
    for vin in [*vins, "NOSUCHVIN00000000"]:
        by_statement = routed.fetch_one(vehicles.BY_VIN.statement, {"vin": vin}, retry=True)
        for _ in range(CALLS):
            assert routed.fetch_one(vehicles.BY_VIN.call, {"vin": vin}, retry=True) == by_statement


def test_a_write_is_seen_by_the_next_call(routed: Database) -> None:
    """The plan is kept, never the answer."""
    stock(routed, 2)
    first = page_params(1, 10)
    for _ in range(CALLS):
        plans.fetch_one(routed, listing.FIRST_PAGES, first)
    insert_vehicle(routed, vin="NEWEST00000000000", created_at=START + timedelta(days=1))
    body, _ = plans.fetch_one(routed, listing.FIRST_PAGES, first) or ("", None)
    assert body.startswith('{"items" : [{"vin" : "NEWEST00000000000"')
    assert '"total" : 3' in body
    with routed.transaction() as conn:
        conn.execute("UPDATE vehicles SET make = 'Changed' WHERE vin = 'NEWEST00000000000'")
    found = vehicles.get_by_vin(db=routed, vin="NEWEST00000000000")
    assert '"make" : "Changed"' in found.body


@pytest.fixture
def fresh(empty_database_url: str) -> Iterator[tuple[Database, Migrator]]:
    """A database of the test's own, migrated to the end."""
    db = Database(Settings(database_url=empty_database_url))
    migrator = Migrator(db)
    migrator.up()
    yield db, migrator
    db.close()


def test_a_kept_plan_follows_a_change_of_the_table(fresh: tuple[Database, Migrator]) -> None:
    """A migration altering `vehicles` while containers are warm invalidates the kept plans."""
    db, _ = fresh
    vin = stock(db, 12)[0]
    for _ in range(CALLS):
        before = plans.fetch_one(db, listing.FIRST_PAGES, page_params(1, 10))
        plans.fetch_one(db, vehicles.BY_VIN, {"vin": vin})
    with db.transaction() as conn:
        conn.execute("ALTER TABLE vehicles ADD COLUMN scratch int")
        conn.execute("CREATE INDEX ON vehicles (scratch, created_at)")
    assert plans.fetch_one(db, listing.FIRST_PAGES, page_params(1, 10)) == before
    assert vehicles.get_by_vin(db=db, vin=vin).body.startswith(f'{{"vin" : "{vin}"')


def test_before_0010_the_reads_send_their_statements(fresh: tuple[Database, Migrator]) -> None:
    """Code deployed, `migrate` not yet run: the same answers, from the statements."""
    db, migrator = fresh
    vins = stock(db, 12)
    search = Search()
    expected_page = listing.find(db=db, search=search, page=2, page_size=5)
    expected_vehicle = vehicles.get_by_vin(db=db, vin=vins[3])
    earlier = [m.version for m in load(MIGRATIONS_DIR) if m.version < "0010"]
    migrator.down(target=earlier[-1])
    assert db.fetch_one(DEFINED, {"name": listing.FIRST_PAGES.name}, retry=True) is None
    assert listing.find(db=db, search=search, page=2, page_size=5) == expected_page
    assert vehicles.get_by_vin(db=db, vin=vins[3]) == expected_vehicle


def write_everything(db: Database, *, api_key_hash: bytes | None) -> list[str]:
    """POST, PATCH and DELETE through the data layer, CALLS times each; what each answered."""
    answers = []
    for n in range(CALLS):
        vin = synthetic_vin(500 + n)
        created = vehicles.insert(
            db=db, vehicle=VehicleCreate(**new_vehicle(vin=vin)), api_key_hash=api_key_hash
        )
        changed = writes.update(
            db=db, vin=vin, changes={"price": n + 1}, if_match=[created.etag],
            api_key_hash=api_key_hash,
        )  # fmt: skip
        writes.delete(db=db, vin=vin, if_match=[changed.etag], api_key_hash=api_key_hash)
        answers += [created.body, changed.body]
    with pytest.raises(PreconditionFailedError):
        writes.update(db=db, vin=vins_left(db)[0], changes={"price": 1}, if_match=['"0-0"'])
    return answers


def vins_left(db: Database) -> list[str]:
    rows = db.connection().execute("SELECT vin FROM vehicles ORDER BY vin").fetchall()
    return [row[0] for row in rows]


@pytest.mark.parametrize("before", ["0010", "0011"], ids=["no-functions", "old-insert-function"])
@pytest.mark.parametrize("keyed", [False, True], ids=["trusted", "api-key"])
def test_writes_by_function_answer_as_writes_by_statement(
    routed: Database, fresh: tuple[Database, Migrator], keyed: bool, before: str
) -> None:
    """The same writes on the session database (functions, maybe through PgBouncer) and on a
    database before `before` answer the same, but for each row's creation time: before 0010 no
    function exists; before 0011 the INSERT's function takes other arguments than the code's
    (the statements are sent instead)."""
    db, migrator = fresh
    migrator.down(target=[m.version for m in load(MIGRATIONS_DIR) if m.version < before][-1])
    results = []
    for database in (routed, db):
        stock(database, 1)
        key = keys.create(db=database, name="feed", scopes=("write",))[1] if keyed else None
        answers = write_everything(database, api_key_hash=keys.digest(key) if key else None)
        results.append([TIMES.sub("", answer) for answer in answers])
        assert vins_left(database) == [synthetic_vin(0)]
    assert results[0] == results[1]


# Every writable field, with what a text or array literal, JSON or quoting could get wrong.
_AWKWARD = 'Quote\' "double" back\\slash {brace} a,b NULL é 🚗 車'
AWKWARD_VEHICLE = new_vehicle(
    make='O\'Brien "Motors"',
    model=_AWKWARD[:40],
    description=f"Line one\nline two\ttabbed {_AWKWARD}",
    image_urls=["https://images.example.com/a,b.jpg", 'https://images.example.com/q"{x}.jpg'],
    year=2003,
    trim="EX-L \\ V6",
    price="99999.99",
    mileage=9_999_999,
    condition="Used",
    stock_number="A-1,2",
    exterior_color="Rot/Weiß",
    interior_color="NULL",
    transmission="6-speed",
    fuel_type="Gas",
    dealer_name='D\'Angelo "Cars"',
    detail_url='https://dealer.example.com/v?id=1&x="y"',
    equipment=["NULL", "a,b", 'quote"d', "back\\slash", "{brace}", "", "é 🚗"],
    status="sold",
)
# Column names from the field declaration; every value is bound.
TYPED_INSERT = (
    f"INSERT INTO vehicles ({names(WRITABLE)}) "  # noqa: S608
    f"VALUES ({', '.join(f'%({f.name})s' for f in WRITABLE)})"
)
STORED = f"SELECT {names(WRITABLE)} FROM vehicles WHERE vin = %(vin)s"  # noqa: S608


@pytest.mark.parametrize("before", [None, "0011"], ids=["function", "statement"])
def test_the_inserts_one_json_parameter_stores_what_typed_parameters_store(
    fresh: tuple[Database, Migrator], before: str | None
) -> None:
    """POST's INSERT reads the vehicle from its JSON: every field is stored as psycopg's typed
    parameters store it, whatever quotes, commas, braces, escapes or non-ASCII it holds."""
    db, migrator = fresh
    if before:
        migrator.down(target=[m.version for m in load(MIGRATIONS_DIR) if m.version < before][-1])
    vehicle = VehicleCreate(**AWKWARD_VEHICLE)
    vehicles.insert(db=db, vehicle=vehicle)
    by_json = db.fetch_one(STORED, {"vin": vehicle.vin}, retry=True)
    reference = vehicle.model_copy(update={"vin": synthetic_vin(900)})
    with db.transaction() as conn:
        conn.execute(TYPED_INSERT, reference.model_dump())
    typed = db.fetch_one(STORED, {"vin": reference.vin}, retry=True)
    assert by_json is not None
    assert typed is not None
    assert by_json[1:] == typed[1:]
    assert by_json[1:] == tuple(vehicle.model_dump().values())[1:]


def test_a_parameter_without_a_type_is_refused() -> None:
    untyped = plans.Cached("f", "n int", "SELECT 1 WHERE %(a)s::int = 1 OR %(a)s = 2")
    with pytest.raises(ValueError, match=r"every use of %\(a\)s needs a ::type"):
        untyped.parameters  # noqa: B018 - the property checks
