"""How the command-line tools fail: one line on stderr saying what went wrong and what to do,
exit status 1. The traceback is printed only with `LOG_LEVEL=DEBUG`; no password is ever shown.
"""

from __future__ import annotations

import re
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager

from shared.errors import ConfigurationError
from shared.ops import redact
from shared.ops.settings import get_settings

_WHERE = re.compile(r'server (?:at|on socket) "([^"]+)"(?:, port (\d+))?')
_UNREACHABLE = (
    "connection refused",
    "could not connect",
    "could not translate host name",
    "no such file or directory",
    "connection timeout expired",
    "network is unreachable",
    "no route to host",
)


@contextmanager
def reported(prog: str) -> Iterator[None]:
    """Run the body of command `prog`; an error becomes one line with a hint and exit status 1."""
    try:
        yield
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as err:  # noqa: BLE001 - every failure of a command ends here, once
        if _debug():
            sys.stderr.write(_masked("".join(traceback.format_exception(err))))
        sys.stderr.write(f"{prog}: {describe(err)}\n")
        raise SystemExit(1) from None


def describe(err: BaseException) -> str:
    """One line: what went wrong (masked), then, when we can tell, what to do about it."""
    lines = [line.strip() for line in str(err).splitlines() if line.strip()]
    message = _masked(lines[0] if lines else type(err).__name__)
    advice = hint(" ".join([*lines, str(err.__cause__ or "")]))
    return f"{message} (hint: {advice})" if advice else message


def hint(message: str) -> str | None:
    """What to do about a database error, from its message; None when the message says it."""
    text = message.lower()
    if re.search(r'relation "[^"]+" does not exist', text):
        return "the schema is missing or behind: run `make migrate` first"
    if re.search(r'database "[^"]+" does not exist', text):
        return "create that database, or fix its name in DATABASE_URL"
    if "password authentication failed" in text or "no password supplied" in text:
        return "the server refused the user or password: check them in DATABASE_URL"
    if any(sign in text for sign in _UNREACHABLE):
        where = _WHERE.search(message)
        place = f"{where.group(1)}:{where.group(2)}" if where and where.group(2) else None
        place = place or (where.group(1) if where else "the configured host")
        return (
            f"no database answers at {place}: is it running? DATABASE_URL may be wrong; "
            "unset it to use the embedded PostgreSQL"
        )
    if "db_request_deadline_ms" in text or "statement timeout" in text:
        return "the database did not answer in time: try again, or check its load"
    return None


def _debug() -> bool:
    try:
        return get_settings().log_level == "DEBUG"
    except ConfigurationError:
        return False


def _masked(text: str) -> str:
    try:
        url = get_settings().database_url
    except ConfigurationError:
        url = None
    return redact.remove(text, redact.password_of(url or ""))
