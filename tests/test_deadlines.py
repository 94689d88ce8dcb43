"""No request hangs: behind PgBouncer with its database stopped, or with PgBouncer itself frozen,
a request answers 503 JSON within DB_REQUEST_DEADLINE_MS, and the next one works again."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import pytest

from functions import list_vehicles
from shared.runtime import get_database
from tests.fixtures.events import Reply, http_api_event, invoke
from tests.fixtures.pooler import Bouncer

# A warm container already holds a connection, so only the statement waits: one second of
# deadline. A cold one connects first, and libpq counts connect timeouts in whole seconds and
# waits at least two: the deadline is two seconds there.
WARM_DEADLINE_MS = 1000
COLD_DEADLINE_MS = 2000
SLACK_SECONDS = 1.0


def get_page() -> tuple[Reply, float]:
    started = time.monotonic()
    reply = invoke(list_vehicles.handler, http_api_event("GET", "/api/vehicles"))
    return reply, time.monotonic() - started


@contextmanager
def database_paused(bouncer: Bouncer, database_url: str) -> Iterator[None]:
    """PgBouncer keeps its clients waiting, as when the database behind it is down."""
    database = bouncer.url(database_url).rsplit("/", 1)[1]
    bouncer.console(f"PAUSE {database}")
    try:
        yield
    finally:
        bouncer.console(f"RESUME {database}")


@contextmanager
def pooler_frozen(bouncer: Bouncer) -> Iterator[None]:
    """PgBouncer stops (SIGSTOP): connections stay open, nothing answers."""
    bouncer.process.send_signal(signal.SIGSTOP)
    try:
        yield
    finally:
        bouncer.process.send_signal(signal.SIGCONT)


Fault = Callable[[Bouncer, str], AbstractContextManager[None]]
FAULTS: dict[str, Fault] = {
    "database-stopped": database_paused,
    "pooler-frozen": lambda bouncer, _url: pooler_frozen(bouncer),
}


@pytest.fixture(params=sorted(FAULTS))
def fault(request: pytest.FixtureRequest) -> tuple[Bouncer, Fault]:
    """Each fault, on a PgBouncer the test may break: the session's one for a pause (it only
    affects the test's database), a PgBouncer of the test's own to freeze."""
    name = str(request.param)
    fixture = "shared_bouncer" if name == "database-stopped" else "own_pgbouncer"
    return request.getfixturevalue(fixture), FAULTS[name]


@pytest.mark.parametrize(
    ("warm", "deadline_ms"),
    [(True, WARM_DEADLINE_MS), (False, COLD_DEADLINE_MS)],
    ids=["warm-connection", "cold-start"],
)
def test_a_request_answers_503_within_the_deadline_and_the_next_one_recovers(
    app_env: pytest.MonkeyPatch,
    database_url: str,
    fault: tuple[Bouncer, Fault],
    warm: bool,
    deadline_ms: int,
) -> None:
    bouncer, broken = fault
    app_env.setenv("DATABASE_URL", bouncer.url(database_url))
    app_env.setenv("DB_REQUEST_DEADLINE_MS", str(deadline_ms))
    app_env.setenv("DB_CONNECT_TIMEOUT", "5")
    if warm:
        assert get_page()[0].status == 200
    with broken(bouncer, database_url):
        reply, seconds = get_page()
    assert reply.status == 503
    assert reply.json() == {"detail": "Database unavailable."}
    assert reply.headers["retry-after"] == "5"
    assert seconds < deadline_ms / 1000 + SLACK_SECONDS, f"answered after {seconds:.1f} s"
    # The connection cut off by the deadline was closed: the next request opens a new one.
    assert get_page()[0].status == 200
    if warm:
        assert get_database().connects == 2
