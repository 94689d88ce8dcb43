"""One lazily opened, reused connection per Lambda container, safe behind a transaction pooler.

Behind PgBouncer/Supavisor in transaction mode a session lives only as long as a transaction, so:
- parameters are bound client side and sent with the simple query protocol: no prepared statements;
- the statement timeout is `SET LOCAL` in the same message as the statement. A multi-statement
  message runs as one implicit transaction, so the pair costs one round trip and the setting ends
  with it.
`DB_PREPARED_STATEMENTS=on` (direct connections only) switches to server-side binding, prepared
statements and a session-wide timeout sent at connect time.

Each `fetch_one` (an API request's one round trip, its retry included) must end within
`DB_REQUEST_DEADLINE_MS`, connect included, whatever the server or pooler does: past it the
connection is closed (the next call opens a new one) and `DatabaseUnavailableError` is raised.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from time import monotonic
from typing import Any, Protocol

import psycopg
from psycopg import ClientCursor, Cursor
from psycopg.abc import Params

from shared.data import urls
from shared.data.connection import (
    DeadlineConnection,
    Row,
    first_row,
    is_auth_failure,
    is_usable,
)
from shared.errors import ConfigurationError, DatabaseUnavailableError
from shared.ops import redact
from shared.ops.settings import Settings

__all__ = ["Database", "Row", "Span", "UrlSource"]


class UrlSource(Protocol):
    """Where the database URL comes from; `refresh=True` bypasses any cache (rotated secrets)."""

    def __call__(self, *, refresh: bool = False) -> str: ...


class Span(Protocol):
    """Wraps each round trip (metrics and traces are the caller's: see `shared.runtime`)."""

    def __call__(self, name: str) -> AbstractContextManager[None]: ...


class Database:
    """A single connection, opened on first use and replaced when found closed or dead.

    `url_source` defaults to `settings.database_url`; `span` to no instrumentation.
    """

    def __init__(
        self, settings: Settings, url_source: UrlSource | None = None, span: Span | None = None
    ) -> None:
        self._settings = settings
        self._url_source = url_source or self._configured_url
        self._span: Span = span or _untraced
        self._conn: DeadlineConnection | None = None
        self._password: str | None = None
        self._deadline: float | None = None  # monotonic time by which fetch_one must be done
        self.connects = 0  # how many connections this object opened (tests and benchmarks read it)

    def fetch_one(
        self,
        query: str,
        params: Params | None = None,
        *,
        retry: bool,
        lock_timeout_ms: int | None = None,
    ) -> Row | None:
        """Run one statement in its own transaction, in one round trip, and return its first row.

        `retry=True` (reads only) runs it once more on a fresh connection when the first one turns
        out dead; writes must pass `retry=False`, since a lost answer does not prove a lost write.
        `lock_timeout_ms` bounds its wait for table locks (`SET LOCAL` in the same message; with
        `DB_PREPARED_STATEMENTS=on` only for a statement without parameters).
        """
        with self._span("query"), self._within_deadline():
            try:
                return self._fetch_one(self._connection(), query, params, lock_timeout_ms)
            except psycopg.OperationalError as err:
                if self._expired() or not retry or not self._discard_if_broken():
                    raise self._failure(err) from err
            try:
                return self._fetch_one(self._connection(), query, params, lock_timeout_ms)
            except psycopg.OperationalError as err:
                raise self._failure(err) from err

    @property
    def settings(self) -> Settings:
        """The settings this database was built with."""
        return self._settings

    @contextmanager
    def transaction(self, *, timeout_ms: int | None = None) -> Iterator[psycopg.Connection[Row]]:
        """An explicit transaction for multi-statement work; commits on success, never retried."""
        with self._span("transaction"):
            conn = self._connection()
            try:
                with conn.transaction():
                    conn.execute(self._timeout_sql(timeout_ms))
                    yield conn
            except psycopg.OperationalError as err:
                self._discard_if_broken()
                raise self._unavailable(err) from err

    def connection(self) -> psycopg.Connection[Row]:
        """The live autocommit connection, for work that manages its own transactions."""
        return self._connection()

    @contextmanager
    def untimed(self) -> Iterator[psycopg.Connection[Row]]:
        """The autocommit connection with no statement timeout, for statements that cannot run
        in a transaction (`CREATE INDEX CONCURRENTLY`) and may take long."""
        conn = self._connection()
        if not self._settings.db_prepared_statements:  # the timeout is only ever SET LOCAL
            yield conn
            return
        conn.execute("SET statement_timeout = 0")  # direct connections only: a session setting
        try:
            yield conn
        finally:
            conn.execute(f"SET statement_timeout = {int(self._settings.db_statement_timeout_ms)}")

    def close(self) -> None:
        """Close the connection, if any; the next use opens a new one."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _configured_url(self, *, refresh: bool = False) -> str:  # noqa: ARG002 - nothing cached
        if not self._settings.database_url:
            raise ConfigurationError("DATABASE_URL is required")
        return self._settings.database_url

    @contextmanager
    def _within_deadline(self) -> Iterator[None]:
        self._deadline = monotonic() + self._settings.db_request_deadline_ms / 1000
        try:
            yield
        finally:
            self._deadline = None
            if self._conn is not None:
                self._conn.deadline = None

    def _expired(self) -> bool:
        return self._deadline is not None and monotonic() >= self._deadline

    def _failure(self, err: psycopg.OperationalError) -> DatabaseUnavailableError:
        """The error to raise for `err`; a broken connection, or one cut off mid-statement by
        the deadline, is closed first so the next call opens a fresh one."""
        self._discard_if_broken()
        if self._expired():
            ms = self._settings.db_request_deadline_ms
            return DatabaseUnavailableError(f"no answer within {ms} ms (DB_REQUEST_DEADLINE_MS)")
        return self._unavailable(err)

    def _fetch_one(
        self, conn: DeadlineConnection, query: str, params: Params | None, lock_ms: int | None
    ) -> Row | None:
        local = [] if self._settings.db_prepared_statements else [self._timeout_sql(None)]
        if lock_ms is not None:
            local.append(f"SET LOCAL lock_timeout = {int(lock_ms)}")
        return first_row(conn, query, params, local)

    def _timeout_sql(self, timeout_ms: int | None) -> str:
        ms = self._settings.db_statement_timeout_ms if timeout_ms is None else timeout_ms
        return f"SET LOCAL statement_timeout = {int(ms)}"

    def _connection(self) -> DeadlineConnection:
        if self._conn is not None and not is_usable(self._conn):
            self._discard()
        if self._conn is None:
            self._conn = self._connect()
        self._conn.deadline = self._deadline
        return self._conn

    def _connect(self) -> DeadlineConnection:
        try:
            try:
                return self._open(self._url_source())
            except psycopg.OperationalError as err:
                if not is_auth_failure(err):
                    raise
                # The secret may have been rotated since it was cached: fetch it again, once.
                return self._open(self._url_source(refresh=True))
        except psycopg.OperationalError as err:
            raise self._failure(err) from None
        except psycopg.ProgrammingError as err:  # libpq could not parse the connection string
            reason = redact.remove(str(err).strip(), self._password)
            raise ConfigurationError(f"DATABASE_URL is not valid: {reason}") from None

    def _open(self, url: str) -> DeadlineConnection:
        conninfo = urls.normalize(url)
        self._password = redact.password_of(conninfo)
        settings = self._settings
        prepared = settings.db_prepared_statements
        extra: dict[str, Any] = {}
        if prepared and settings.db_statement_timeout_ms:
            extra["options"] = f"-c statement_timeout={settings.db_statement_timeout_ms}"
        cursor_factory: type[Cursor[Row]] = Cursor if prepared else ClientCursor
        conn = DeadlineConnection.connect(
            conninfo,
            autocommit=True,
            prepare_threshold=0 if prepared else None,
            connect_timeout=self._connect_timeout(),
            application_name=settings.service_name,
            cursor_factory=cursor_factory,
            **extra,
        )
        self.connects += 1
        return conn

    def _connect_timeout(self) -> int:
        """DB_CONNECT_TIMEOUT, cut to what is left of the deadline (libpq counts whole seconds
        and waits at least 2)."""
        timeout = self._settings.db_connect_timeout
        if self._deadline is None:
            return timeout
        return max(1, min(timeout, math.ceil(self._deadline - monotonic())))

    def _discard_if_broken(self) -> bool:
        """Drop the connection if it is no longer usable; True if it was dropped."""
        if self._conn is not None and is_usable(self._conn):
            return False
        self._discard()
        return True

    def _discard(self) -> None:
        if self._conn is not None:
            self._conn.close()
        self._conn = None

    def _unavailable(self, err: Exception) -> DatabaseUnavailableError:
        return DatabaseUnavailableError(redact.remove(str(err).strip(), self._password))


def _untraced(name: str) -> AbstractContextManager[None]:  # noqa: ARG001 - the Span protocol
    return nullcontext()
