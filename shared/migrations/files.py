"""Numbered plain-SQL migration files: `NNNN_name.sql` with `-- migrate:up` and `-- migrate:down`.

A file whose statements cannot run inside a transaction (`CREATE INDEX CONCURRENTLY`) says so with
a line `-- migrate:no-transaction`; its statements then run one by one, outside a transaction.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from shared.errors import MigrationError

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"
UP = "-- migrate:up"
DOWN = "-- migrate:down"
NO_TRANSACTION = "-- migrate:no-transaction"
_FILE_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
_TEMPLATE = f"{UP}\n\n\n{DOWN}\n\n"


@dataclass(frozen=True, slots=True)
class Migration:
    """One migration file, parsed."""

    version: str
    name: str
    up: str
    down: str
    checksum: str
    transactional: bool

    @property
    def file_name(self) -> str:
        return f"{self.version}_{self.name}.sql"


def parse(path: Path) -> Migration:
    """Read one migration file; a missing section or marker raises `MigrationError`."""
    match = _FILE_NAME.match(path.name)
    if match is None:
        raise MigrationError(f"{path.name}: migration files are named NNNN_lower_snake_name.sql")
    text = path.read_text(encoding="utf-8")
    lines = [line.strip().lower() for line in text.splitlines()]
    if lines.count(UP) != 1 or lines.count(DOWN) != 1:
        raise MigrationError(f"{path.name}: needs exactly one '{UP}' and one '{DOWN}' line")
    up, down = _sections(text)
    if not up.strip():
        raise MigrationError(f"{path.name}: the up section is empty")
    return Migration(
        version=match.group(1),
        name=match.group(2),
        up=up,
        down=down,
        checksum=hashlib.sha256(text.replace("\r\n", "\n").encode()).hexdigest(),
        transactional=NO_TRANSACTION not in lines,
    )


def load(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """Every migration in `directory`, in version order; two files with one version is an error."""
    migrations = [parse(path) for path in sorted(directory.glob("*.sql"))]
    versions = [m.version for m in migrations]
    duplicated = sorted({v for v in versions if versions.count(v) > 1})
    if duplicated:
        raise MigrationError(f"more than one migration file has version {', '.join(duplicated)}")
    return migrations


def create(name: str, directory: Path = MIGRATIONS_DIR) -> Path:
    """Write an empty migration numbered after the last one and return its path."""
    slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    if not slug:
        raise MigrationError("a migration needs a name made of letters or digits")
    last = max((int(m.version) for m in load(directory)), default=0)
    path = directory / f"{last + 1:04d}_{slug}.sql"
    path.write_text(_TEMPLATE, encoding="utf-8")
    return path


def split_statements(sql: str) -> list[str]:
    """Split SQL on semicolons outside quotes, dollar quotes and comments."""
    statements: list[str] = []
    start = i = 0
    while i < len(sql):
        if sql.startswith("--", i):
            i = _find_end(sql, "\n", i + 2)
        elif sql.startswith("/*", i):
            i = _find_end(sql, "*/", i + 2)
        elif sql[i] in "'\"":
            i = _find_end(sql, sql[i], i + 1)
        elif dollar := re.match(r"\$[A-Za-z_0-9]*\$", sql[i:]):
            i = _find_end(sql, dollar.group(0), i + len(dollar.group(0)))
        elif sql[i] == ";":
            statements.append(sql[start:i])
            i = start = i + 1
        else:
            i += 1
    statements.append(sql[start:])
    return [s.strip() for s in statements if _has_code(s)]


def _find_end(sql: str, closer: str, start: int) -> int:
    end = sql.find(closer, start)
    return len(sql) if end < 0 else end + len(closer)


def _has_code(statement: str) -> bool:
    return any(
        line.strip() and not line.strip().startswith("--") for line in statement.splitlines()
    )


def _sections(text: str) -> tuple[str, str]:
    up: list[str] = []
    down: list[str] = []
    current: list[str] | None = None
    for line in text.splitlines(keepends=True):
        marker = line.strip().lower()
        if marker == UP:
            current = up
        elif marker == DOWN:
            current = down
        elif current is not None:
            current.append(line)
    return "".join(up), "".join(down)
