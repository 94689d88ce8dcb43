"""Fixtures live in topic modules under tests/fixtures/ (database, pooler, events, AWS).

`make test` runs the suite on every core (pytest-xdist, `--dist loadfile`): each worker has its
own session database and PgBouncer (`tests/fixtures/db.py`, `pooler.py`), a module's tests stay
in one worker, so its module fixtures (packages, builds, servers) are made once.
"""

from __future__ import annotations

import pytest
from _pytest.nodeid import coerce_node_id

pytest_plugins = [
    "tests.fixtures.db",
    "tests.fixtures.pooler",
    "tests.fixtures.events",
    "tests.fixtures.aws",
    "tests.fixtures.auth",
]

# The modules that take longest (package and SAM builds, the fuzzer, serverless-offline, a venv
# of the runtime's Python), started first so that no worker is left alone with one at the end.
# The SAM modules come after the package: make test installs .venv-sam meanwhile.
LONGEST_FIRST = (
    "test_package.py",
    "test_fuzz.py",
    "test_offline.py",
    "test_eager_runtime.py",
    "test_sam_build.py",
    "test_sam_matches_osls.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Longest modules first (the order of the rest is kept); a unique id for each item."""
    for item in items:
        # schemathesis names each operation's item `test[GET /health]` but gives all of them
        # the function's node id; xdist schedules by node id and would run one in seven.
        module, _, name = item.nodeid.rpartition("::")
        if name != item.name and item.name.startswith(f"{name}["):
            item._id = coerce_node_id(f"{module}::{item.name}")
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))
