"""Dealer scope beyond the HTTP writes: a scoped snapshot sync (refused rows, only its dealers
retired), the `keys` command's `--dealer`, migration 0008's rules, and writes that still work
before it is applied (deploy, then migrate)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from shared.auth import commands, keys
from shared.data import vehicles, writes
from shared.data.database import Database
from shared.data.vehicle_create import VehicleCreate
from shared.errors import PermissionDeniedError, SeedError
from shared.migrations.files import MIGRATIONS_DIR, load
from shared.migrations.runner import Migrator
from shared.ops.settings import Settings, get_settings
from shared.seed import commands as seed_commands
from shared.seed.commands import run
from tests.fixtures.api import make_vin, new_vehicle
from tests.fixtures.exports import synthetic_vin, write_export
from tests.test_snapshot import counts, row, state, sync

A, B, C = "Alpha Motors", "Beta Cars", "Gamma Autos"


@pytest.fixture
def fleet(db: Database, tmp_path: Path) -> Iterator[Database]:
    """Alpha has 1 and 2, Beta 3 and 4, Gamma 5; every key is deleted afterwards."""
    sync(db, tmp_path, [row(1), row(2), row(3, B), row(4, B), row(5, C)])
    yield db
    with db.transaction() as conn:
        conn.execute("DELETE FROM api_keys")


def scoped_sync(db: Database, tmp_path: Path, rows: list[dict[str, str]], **event: Any) -> Any:
    path = tmp_path / "scoped.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        write_export(out, rows)
    return run({"csv_path": str(path), "mode": "snapshot", **event}, db)


def test_a_scoped_sync_refuses_other_dealers_rows_and_retires_only_its_own(
    fleet: Database, tmp_path: Path
) -> None:
    before = state(fleet)
    feed = [
        row(1, Price="$1"),  # Alpha's, changed
        row(3, B, Price="$2"),  # Beta's: refused
        row(6, B),  # a new Beta vehicle: refused
        row(5, A),  # Gamma's vehicle claimed for Alpha: refused
        row(7, "  alpha MOTORS"),  # Alpha's, however spelled: inserted
    ]
    summary = scoped_sync(fleet, tmp_path, feed, dealers=[" alpha motors "])
    assert counts(summary) == (1, 1, 0, 1, 0)  # vehicle 2 retired
    assert summary["dealers"] == ["alpha motors"]
    assert summary["refused"]["count"] == 3
    assert [(r["line"], r["vin"]) for r in summary["refused"]["rows"]] == [
        (3, synthetic_vin(3)),
        (4, synthetic_vin(6)),
        (5, synthetic_vin(5)),
    ]
    assert "another dealer" in summary["refused"]["rows"][2]["reason"]
    after = state(fleet)
    for n in (3, 4, 5):  # Beta and Gamma untouched, ETags included
        assert after[synthetic_vin(n)] == before[synthetic_vin(n)]
    assert synthetic_vin(6) not in after
    assert after[synthetic_vin(2)][2] == "sold"


def test_a_sync_with_a_key_gets_that_keys_dealers(fleet: Database, tmp_path: Path) -> None:
    key_id, _ = keys.create(db=fleet, name="beta feed", dealers=(B,))
    summary = scoped_sync(fleet, tmp_path, [row(1, Price="$1"), row(3, B)], key=str(key_id))
    assert counts(summary) == (0, 0, 1, 1, 0)  # Beta's 4 retired; Alpha's row refused
    assert summary["refused"]["count"] == 1
    assert state(fleet)[synthetic_vin(1)][0] == 30000


def test_a_key_and_dealers_together_allow_what_both_allow(fleet: Database, tmp_path: Path) -> None:
    key_id, _ = keys.create(db=fleet, name="two", dealers=(A, B))
    summary = scoped_sync(fleet, tmp_path, [row(1), row(3, B)], key=str(key_id), dealers=[B])
    assert summary["dealers"] == ["beta cars"]
    assert summary["refused"]["count"] == 1
    with pytest.raises(SeedError, match="share none"):
        scoped_sync(fleet, tmp_path, [row(1)], key=str(key_id), dealers=[C])


def test_an_unscoped_key_syncs_as_before(fleet: Database, tmp_path: Path) -> None:
    key_id, _ = keys.create(db=fleet, name="all")
    summary = scoped_sync(fleet, tmp_path, [row(1), row(5, A)], key=str(key_id))
    assert summary["dealers"] is None
    assert counts(summary) == (0, 1, 1, 1, 0)  # Gamma's 5 moved to Alpha, Alpha's 2 retired
    assert summary["refused"]["count"] == 0


def test_a_revoked_unknown_or_read_only_key_runs_nothing(fleet: Database, tmp_path: Path) -> None:
    before = state(fleet)
    revoked, _ = keys.create(db=fleet, name="old", dealers=(A,))
    keys.revoke(db=fleet, which=str(revoked))
    reader, _ = keys.create(db=fleet, name="reader", scopes=("read",))
    for which, reason in ((revoked, "revoked"), (reader, "not a write key"), (999, "no single")):
        with pytest.raises(SeedError, match=reason):
            scoped_sync(fleet, tmp_path, [row(1)], key=str(which))
    assert state(fleet) == before


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ({"dealers": []}, "dealers must be a list"),
        ({"dealers": [" "]}, "dealers must be a list"),
        ({"dealers": "Alpha Motors"}, "dealers must be a list"),
        ({"key": 3}, "key must be"),
        ({"mode": "default", "dealers": [A]}, "give mode snapshot"),
    ],
    ids=["empty", "blank", "not a list", "key not text", "default mode"],
)
def test_a_bad_scope_in_the_event_is_refused(
    db: Database, event: dict[str, Any], message: str
) -> None:
    with pytest.raises(SeedError, match=message):
        run({"mode": "snapshot", **event}, db)


def test_the_keys_command_creates_and_lists_a_scoped_key(
    app_env: pytest.MonkeyPatch, db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    commands.main(["keys", "create", "lot", "feed", "--dealer", " Acme Motors", "--dealer", "B"])
    out = capsys.readouterr().out
    assert "dealers: Acme Motors; B" in out.splitlines()[0]
    commands.main(["keys", "create", "everything"])
    assert "dealers: all" in capsys.readouterr().out
    commands.main(["keys", "list"])
    listing = capsys.readouterr().out.splitlines()
    assert listing[1].endswith("lot feed  [dealers: Acme Motors; B]")
    assert listing[2].endswith("everything  [dealers: all]")
    with pytest.raises(SystemExit):
        commands.main(["keys", "create", "blank", "--dealer", "  "])
    assert "--dealer: a dealer scope names at least one dealer" in capsys.readouterr().err
    with db.transaction() as conn:
        conn.execute("DELETE FROM api_keys")


def test_the_table_refuses_an_empty_scope(db: Database) -> None:
    with pytest.raises(psycopg.errors.CheckViolation), db.transaction() as conn:
        conn.execute(
            "INSERT INTO api_keys (name, prefix, hash, dealers) "
            "VALUES ('x', 'vik_x', decode(repeat('ab', 32), 'hex'), '{}')"
        )


@pytest.fixture
def before_0008(empty_database_url: str) -> Iterator[Database]:
    """A database migrated to the release before 0008: `api_keys` has no `dealers` yet."""
    db = Database(Settings(database_url=empty_database_url))
    earlier = [m.version for m in load(MIGRATIONS_DIR) if m.version < "0008"]
    Migrator(db).up(earlier[-1])
    yield db
    db.close()


def test_code_deployed_before_the_migration_still_writes_with_keys(before_0008: Database) -> None:
    key = keys.new_key()
    with before_0008.transaction() as conn:
        conn.execute(
            "INSERT INTO api_keys (name, prefix, hash) VALUES ('old', 'vik_old', %s)",
            [keys.digest(key)],
        )
    digest = keys.digest(key)
    vehicle = VehicleCreate(**new_vehicle(vin=make_vin(1), dealer_name=A))
    assert vehicles.insert(db=before_0008, vehicle=vehicle, api_key_hash=digest).etag
    changed = writes.update(
        db=before_0008, vin=make_vin(1), changes={"price": 5}, if_match=None, api_key_hash=digest
    )
    assert json.loads(changed.body)["price"] == 5
    assert [k.dealers for k in keys.list_all(db=before_0008)] == [None]
    with pytest.raises(PermissionDeniedError):  # a user's scope needs no column
        writes.delete(db=before_0008, vin=make_vin(1), if_match=None, dealers=(B,))
    writes.delete(db=before_0008, vin=make_vin(1), if_match=None, api_key_hash=digest)


def test_scoped_writes_and_a_scoped_sync_work_through_a_transaction_pooler(
    fleet: Database, database_url: str, route_url: Any, tmp_path: Path
) -> None:
    routed = Database(Settings(database_url=route_url(database_url)))
    try:
        digest = keys.digest(keys.create(db=fleet, name="alpha", dealers=(A,))[1])
        vehicle = VehicleCreate(**new_vehicle(vin=make_vin(1), dealer_name=B))
        with pytest.raises(PermissionDeniedError):
            vehicles.insert(db=routed, vehicle=vehicle, api_key_hash=digest)
        with pytest.raises(PermissionDeniedError):
            writes.update(
                db=routed, vin=synthetic_vin(3), changes={}, if_match=None, api_key_hash=digest
            )
        writes.delete(db=routed, vin=synthetic_vin(1), if_match=None, api_key_hash=digest)
        summary = scoped_sync(routed, tmp_path, [row(2), row(3, B)], dealers=[A])
        assert (summary["refused"]["count"], summary["unchanged"]) == (1, 1)
    finally:
        routed.close()


def test_the_keys_command_before_the_migration_says_to_migrate(
    before_0008: Database,
    empty_database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", empty_database_url)
    get_settings.cache_clear()
    commands.main(["keys", "list"])  # listing works before and after
    with pytest.raises(SystemExit):
        commands.main(["keys", "create", "lot", "--dealer", A])
    assert "no dealers column: apply the migrations first" in capsys.readouterr().err


def test_the_seed_command_line_takes_dealers_and_a_key(
    fleet: Database,
    app_env: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    key_id, _ = keys.create(db=fleet, name="alpha", dealers=(A, B))
    path = tmp_path / "cli.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        write_export(out, [row(1), row(3, B)])
    argv = ["--csv-path", str(path), "--mode", "snapshot", "--dealer", A, "--key", str(key_id)]
    seed_commands.main(argv)
    summary = json.loads(capsys.readouterr().out)
    assert (summary["dealers"], summary["refused"]["count"], summary["retired"]) == (
        ["alpha motors"],
        1,
        1,
    )
