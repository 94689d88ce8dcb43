"""Fixtures live in topic modules under tests/fixtures/ (database, pooler, events, AWS)."""

pytest_plugins = [
    "tests.fixtures.db",
    "tests.fixtures.pooler",
    "tests.fixtures.events",
    "tests.fixtures.aws",
    "tests.fixtures.auth",
]
