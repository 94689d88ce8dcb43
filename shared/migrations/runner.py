"""Apply, revert and report migrations; safe for concurrent deploys through a transaction pooler.

Session advisory locks do not survive a transaction-mode pooler, so concurrent runs are serialised
by a lease: one row in `schema_migrations_lock`, taken and released in short transactions, that
expires on its own if a run dies. Inside each migration's transaction the version row is inserted
first, so even without the lease a file could not be recorded twice.

A migration waits at most `MIGRATION_LOCK_TIMEOUT_MS` for a table lock: an `ALTER TABLE` queued
behind a long read would otherwise hold every request to that table behind it. It then fails,
with nothing applied, and can simply be run again.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from psycopg import ClientCursor
from psycopg.errors import LockNotAvailable

from shared.data.database import Database
from shared.errors import MigrationError
from shared.migrations.files import MIGRATIONS_DIR, Migration, load, split_statements

_BOOTSTRAP = """
SELECT pg_advisory_xact_lock(hashtext('schema_migrations'));
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    text PRIMARY KEY,
    name       text NOT NULL,
    checksum   text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS schema_migrations_lock (
    id          boolean PRIMARY KEY DEFAULT true CHECK (id),
    holder      text NOT NULL,
    expires_at  timestamptz NOT NULL
);
"""
_TAKE_LEASE = """
INSERT INTO schema_migrations_lock (holder, expires_at)
VALUES (%(holder)s, now() + make_interval(secs => %(seconds)s))
ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
WHERE schema_migrations_lock.expires_at < now() OR schema_migrations_lock.holder = %(holder)s
RETURNING holder
"""
_RELEASE_LEASE = "DELETE FROM schema_migrations_lock WHERE holder = %(holder)s"
_APPLIED = "SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version"
_RECORD = "INSERT INTO schema_migrations (version, name, checksum) VALUES (%(v)s, %(n)s, %(c)s)"
_FORGET = "DELETE FROM schema_migrations WHERE version = %(v)s"


@dataclass(frozen=True, slots=True)
class Applied:
    version: str
    name: str
    checksum: str
    applied_at: Any


@dataclass(slots=True)
class Migrator:
    """Runs the migrations of `directory` against `db`."""

    db: Database
    directory: Path = MIGRATIONS_DIR
    # A run killed by the Lambda timeout (300 s for migrate) cannot release its lease: it expires
    # a minute later. A run waits for a live lease well within that timeout, then fails clearly.
    lease_seconds: int = 360
    wait_seconds: float = 120.0
    holder: str = field(default_factory=lambda: uuid.uuid4().hex)
    lock_timeout_ms: int | None = None  # default: the database's MIGRATION_LOCK_TIMEOUT_MS

    def status(self) -> dict[str, Any]:
        """Current version, applied migrations with their dates, and pending ones."""
        self._bootstrap()
        return self._summary(action="status")

    def up(self, target: str | None = None) -> dict[str, Any]:
        """Apply pending migrations in order, up to and including `target` (default: all)."""
        files = load(self.directory, strict=False)
        if target is not None:
            _require_version(target, files)
        done: list[str] = []
        with self._lease():
            applied = self._verified(files)
            todo = [
                m
                for m in files
                if m.version not in applied and (target is None or m.version <= target)
            ]
            broken = next((m for m in todo if m.problem), None)
            if broken is not None:  # refused before anything runs
                raise MigrationError(f"{broken.file_name}: {broken.problem}; nothing was applied")
            for migration in todo:
                self._apply(migration)
                self._renew_lease()
                done.append(migration.file_name)
        return self._summary(action="up", applied_now=done)

    def down(self, *, target: str | None = None, steps: int | None = None) -> dict[str, Any]:
        """Revert the newest migrations: `steps` of them (default 1), or all above `target`."""
        if target is not None and steps is not None:
            raise MigrationError("give either a target or a number of steps, not both")
        if steps is not None and steps < 1:
            raise MigrationError("steps must be at least 1")
        files = {m.version: m for m in load(self.directory, strict=False)}
        if target is not None and target.strip("0"):
            _require_version(target, list(files.values()))
        reverted: list[str] = []
        with self._lease():
            applied = sorted(self._verified(list(files.values())), reverse=True)
            chosen = (
                [v for v in applied if v > target] if target is not None else applied[: steps or 1]
            )
            for version in chosen:
                self._revert(files[version])
                self._renew_lease()
                reverted.append(files[version].file_name)
        return self._summary(action="down", reverted_now=reverted)

    def _apply(self, migration: Migration) -> None:
        record = {"v": migration.version, "n": migration.name, "c": migration.checksum}
        try:
            if migration.transactional:
                with self.db.transaction(timeout_ms=0) as conn:
                    cur = ClientCursor(conn)
                    cur.execute(self._lock_timeout_sql())
                    cur.execute(_RECORD, record)
                    cur.execute(migration.up)
                return
            with self.db.untimed() as conn:
                for statement in split_statements(migration.up):
                    ClientCursor(conn).execute(statement)
            with self.db.transaction() as conn:
                ClientCursor(conn).execute(_RECORD, record)
        except Exception as err:
            raise self._failed(f"{migration.file_name} failed", err) from err

    def _revert(self, migration: Migration) -> None:
        if not migration.down.strip():
            raise MigrationError(f"{migration.file_name} has no down section to revert with")
        try:
            if not migration.down_transactional:  # `-- migrate:down transaction:false`
                with self.db.untimed() as conn:
                    for statement in split_statements(migration.down):
                        ClientCursor(conn).execute(statement)
            with self.db.transaction(timeout_ms=0) as conn:
                cur = ClientCursor(conn)
                cur.execute(self._lock_timeout_sql())
                cur.execute(_FORGET, {"v": migration.version})
                if migration.down_transactional:
                    cur.execute(migration.down)
        except Exception as err:
            raise self._failed(f"reverting {migration.file_name} failed", err) from err

    def _lock_ms(self) -> int:
        ms = self.lock_timeout_ms
        return self.db.settings.migration_lock_timeout_ms if ms is None else ms

    def _lock_timeout_sql(self) -> str:
        return f"SET LOCAL lock_timeout = {int(self._lock_ms())}"

    def _failed(self, what: str, err: Exception) -> MigrationError:
        if isinstance(err, LockNotAvailable) or isinstance(err.__cause__, LockNotAvailable):
            return MigrationError(
                f"{what}: another session held a table it needs for over {self._lock_ms()} ms "
                "(MIGRATION_LOCK_TIMEOUT_MS); it gave up rather than hold every request behind "
                "it. Nothing was applied: run it again when the long query or transaction is done"
            )
        return MigrationError(f"{what}: {err}")

    def _verified(self, files: list[Migration]) -> dict[str, Applied]:
        """Applied migrations, after checking that each still has its file, unedited."""
        by_version = {m.version: m for m in files}
        applied = self._applied()
        for version, row in applied.items():
            migration = by_version.get(version)
            if migration is None:
                raise MigrationError(f"migration {version}_{row.name} is applied but has no file")
            if migration.checksum != row.checksum:
                raise MigrationError(
                    f"{migration.file_name} was edited after it was applied; "
                    "restore it and put the change in a new migration"
                )
        return applied

    def _applied(self) -> dict[str, Applied]:
        with self.db.transaction() as conn:
            rows = conn.execute(_APPLIED).fetchall()
        return {row[0]: Applied(*row) for row in rows}

    def _bootstrap(self) -> None:
        with self.db.transaction() as conn:
            ClientCursor(conn).execute(_BOOTSTRAP)

    @contextmanager
    def _lease(self) -> Iterator[None]:
        self._bootstrap()
        deadline = time.monotonic() + self.wait_seconds
        params = {"holder": self.holder, "seconds": self.lease_seconds}
        while True:
            with self.db.transaction() as conn:
                if conn.execute(_TAKE_LEASE, params).fetchone() is not None:
                    break
            if time.monotonic() > deadline:
                raise MigrationError("another migration run holds the lock; try again later")
            time.sleep(0.2)
        try:
            yield
        finally:
            with self.db.transaction() as conn:
                conn.execute(_RELEASE_LEASE, params)

    def _renew_lease(self) -> None:
        """Extend our lease after each step, so a long run keeps it; losing it stops the run."""
        params = {"holder": self.holder, "seconds": self.lease_seconds}
        with self.db.transaction() as conn:
            if conn.execute(_TAKE_LEASE, params).fetchone() is None:
                raise MigrationError("the migration lock expired and was taken by another run")

    def _summary(self, *, action: str, **done: list[str]) -> dict[str, Any]:
        files = load(self.directory, strict=False)
        applied = self._applied()
        problems = {m.file_name: m.problem for m in files if m.problem and m.version not in applied}
        return {
            "action": action,
            **done,
            "current": max(applied, default=None),
            "applied": [
                {"version": a.version, "name": a.name, "applied_at": a.applied_at.isoformat()}
                for a in applied.values()
            ],
            "pending": [m.file_name for m in files if m.version not in applied],
            # Only when some pending file may not be applied as it is (`up` refuses it).
            **({"not_ready": problems} if problems else {}),
        }


def _require_version(version: str, files: list[Migration]) -> None:
    if version not in {m.version for m in files}:
        raise MigrationError(f"no migration file has version {version}")
