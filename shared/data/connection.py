"""The psycopg connection class we open: every wait on its socket can be given a deadline.

Server-side timeouts (`statement_timeout`, `lock_timeout`) cannot end a wait the server never
gets to: PgBouncer holding a query while its database is down (`query_wait_timeout` is 120 s),
or a pooler frozen mid-answer. psycopg runs every statement as a generator consumed by
`Connection.wait`, which takes a timeout (psycopg 3.2+); ours passes what is left of the
request's deadline, so a statement gives up on time whoever is silent. After such a timeout the
connection is mid-statement: the caller closes it and the next request opens a new one.
"""

from __future__ import annotations

import select
from time import monotonic
from typing import Any

import psycopg
from psycopg import pq
from psycopg.abc import RV, Params, PQGen

Row = tuple[Any, ...]
_WAIT_INTERVAL = 0.1  # psycopg's own: how often a long wait wakes up to notice Ctrl-C


class DeadlineConnection(psycopg.Connection[Row]):
    """A connection whose waits end at `deadline` (a `time.monotonic()` value), when set."""

    deadline: float | None = None

    def wait(
        self, gen: PQGen[RV], interval: float = _WAIT_INTERVAL, timeout: float | None = None
    ) -> RV:
        if self.deadline is not None:
            left = max(0.0, self.deadline - monotonic())
            timeout = left if timeout is None else min(timeout, left)
        return super().wait(gen, interval, timeout)


def first_row(
    conn: psycopg.Connection[Row], query: str, params: Params | None, local: list[str]
) -> Row | None:
    """Run `query` after the `SET LOCAL` statements of `local`, in one message (one implicit
    transaction, one round trip), and return the first row of the query's own result."""
    cur = conn.cursor()
    if not local:
        return cur.execute(query, params).fetchone()
    cur.execute("; ".join([*local, query]), params, prepare=False)
    while cur.nextset():  # past the SET LOCALs' results
        pass
    return cur.fetchone()


def is_usable(conn: psycopg.Connection[Row]) -> bool:
    """Closed, broken, mid-statement, or told by the server that it is going away?

    An idle connection has nothing to read; if the socket is readable, the server or pooler sent
    a termination notice or closed it while the container was frozen. A syscall, no round trip.
    """
    if conn.closed or conn.broken or conn.info.transaction_status != pq.TransactionStatus.IDLE:
        return False
    readable, _, _ = select.select([conn.fileno()], [], [], 0)
    return not readable


def is_auth_failure(err: psycopg.OperationalError) -> bool:
    """A refused password, and nothing else (a full server must not send every container to
    Secrets Manager). psycopg reports it at connect without a SQLSTATE, hence the message."""
    return err.sqlstate == "28P01" or "password authentication failed" in str(err)
