"""Numbered plain-SQL migration files in dbmate's syntax: `NNNN_name.sql` with a
`-- migrate:up` and a `-- migrate:down` section, so dbmate can read the same folder.

A file whose statements cannot run inside a transaction (`CREATE INDEX CONCURRENTLY`) says so on
its up marker, as dbmate does: `-- migrate:up transaction:false` (the older line
`-- migrate:no-transaction` is still read). Its statements then run one by one, outside a
transaction. Every other file runs as one transaction, so it must not hold `BEGIN`, `COMMIT`,
`ROLLBACK` and the like (savepoints are fine): such a file is refused before anything runs.

The checksum recorded for an applied file is the SHA-256 of its text (line endings normalised),
as it always was: databases migrated by earlier releases keep matching.
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
# dbmate's markers: `-- migrate:up` or `-- migrate:down`, then options such as transaction:false.
_MARKER = re.compile(r"^--\s*migrate:(up|down)((?:\s+\S+:\S+)*)\s*$", re.IGNORECASE)
_LEADING_COMMENTS = re.compile(r"^(?:\s+|--[^\n]*(?:\n|$)|/\*.*?\*/)*", re.DOTALL)
# Statements that would end (or nest) the transaction a file runs in; savepoints are fine.
_CONTROL = re.compile(
    r"^(begin|start\s+transaction|commit|end|abort|rollback(?!\s+(?:work\s+|transaction\s+)?to\b)"
    r"|prepare\s+transaction)\b",
    re.IGNORECASE,
)
_ATOMIC = re.compile(r"\bbegin\s+atomic\b", re.IGNORECASE)  # an SQL function body's BEGIN ... END


@dataclass(frozen=True, slots=True)
class Migration:
    """One migration file, parsed. `problem` says why it may not be applied (an empty up
    section, a COMMIT in a transactional file); `status` shows it, `up` refuses it."""

    version: str
    name: str
    up: str
    down: str
    checksum: str
    transactional: bool
    down_transactional: bool = True
    problem: str | None = None

    @property
    def file_name(self) -> str:
        return f"{self.version}_{self.name}.sql"


def parse(path: Path) -> Migration:
    """Read one migration file; a missing section or marker raises `MigrationError`."""
    match = _FILE_NAME.match(path.name)
    if match is None:
        raise MigrationError(f"{path.name}: migration files are named NNNN_lower_snake_name.sql")
    text = path.read_text(encoding="utf-8")
    lines = [line.strip() for line in text.splitlines()]
    markers = [m for m in map(_MARKER.match, lines) if m]
    kinds = [m.group(1).lower() for m in markers]
    if kinds.count("up") != 1 or kinds.count("down") != 1:
        raise MigrationError(f"{path.name}: needs exactly one '{UP}' and one '{DOWN}' line")
    options = {m.group(1).lower(): m.group(2).lower().split() for m in markers}
    up, down = _sections(text)
    transactional = "transaction:false" not in options["up"] and not any(
        line.lower() == NO_TRANSACTION for line in lines
    )
    down_transactional = "transaction:false" not in options["down"]
    return Migration(
        version=match.group(1),
        name=match.group(2),
        up=up,
        down=down,
        checksum=hashlib.sha256(text.replace("\r\n", "\n").encode()).hexdigest(),
        transactional=transactional,
        down_transactional=down_transactional,
        problem=_problem(up, transactional, down, down_transactional),
    )


def load(directory: Path = MIGRATIONS_DIR, *, strict: bool = True) -> list[Migration]:
    """Every migration in `directory`, in version order; two files with one version is an error.

    `strict` (the default) also refuses any file with a problem; `strict=False` returns it, for
    the runner to report (status) or refuse when it would be applied (up).
    """
    migrations = [parse(path) for path in sorted(directory.glob("*.sql"))]
    versions = [m.version for m in migrations]
    duplicated = sorted({v for v in versions if versions.count(v) > 1})
    if duplicated:
        raise MigrationError(f"more than one migration file has version {', '.join(duplicated)}")
    broken = next((m for m in migrations if m.problem), None) if strict else None
    if broken is not None:
        raise MigrationError(f"{broken.file_name}: {broken.problem}")
    return migrations


def _problem(up: str, up_tx: bool, down: str, down_tx: bool) -> str | None:
    if not up.strip():
        return "the up section is empty: write the migration, or delete the file"
    for section, sql, transactional in (("up", up, up_tx), ("down", down, down_tx)):
        control = _transaction_control(sql) if transactional else None
        if control:
            return (
                f"the {section} section runs {control.upper()}, which would end the transaction "
                f"the file runs in: remove it (each file is one transaction; savepoints are "
                f"fine), or mark the file '{UP} transaction:false'"
            )
    return None


def _transaction_control(sql: str) -> str | None:
    """The first statement of `sql` that begins, commits or rolls back a transaction, if any."""
    in_body = False
    for statement in split_statements(sql):
        code = _LEADING_COMMENTS.sub("", statement)
        if in_body:  # inside BEGIN ATOMIC ... END, the statements split off are the body's
            in_body = not re.fullmatch(r"end", code.strip(), re.IGNORECASE)
            continue
        if _ATOMIC.search(code):
            in_body = True
            continue
        control = _CONTROL.match(code)
        if control:
            return " ".join(control.group(1).split())
    return None


def create(name: str, directory: Path = MIGRATIONS_DIR) -> Path:
    """Write an empty migration numbered after the last one and return its path."""
    slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    if not slug:
        raise MigrationError("a migration needs a name made of letters or digits")
    last = max((int(m.version) for m in load(directory, strict=False)), default=0)
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
        marker = _MARKER.match(line.strip())
        if marker:
            current = up if marker.group(1).lower() == "up" else down
        elif current is not None:
            current.append(line)
    return "".join(up), "".join(down)
