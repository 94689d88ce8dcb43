"""The Powertools logger, set up from `shared.ops.settings` on first use, and secret masking.

Every log line is passed through `hide`'s list of secrets and `redact.mask`, so a database
password never reaches the logs, whatever field or traceback carries it, in whatever form the URL
was written. Modules keep using
`logging.getLogger(__name__)`: loggers under `shared` and `functions` share the Powertools handler.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from functools import cache

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

from shared.ops import redact
from shared.ops.settings import get_settings

APP_LOGGERS = ("shared", "functions")

# Shorter strings are not masked: "pw" would turn every "pw" of every line into ***, and a
# password that short is no secret anyway.
MIN_SECRET = 4
_hidden: set[str] = set()  # every spelling of every secret to mask in log lines


def hide(secret: str | None) -> None:
    """Mask `secret` (raw, URL-encoded or JSON-escaped) in every log line from now on."""
    if not secret or len(secret) < MIN_SECRET:
        return
    for spelling in redact.spellings(secret):  # and as a JSON string would escape it
        _hidden.update({spelling, json.dumps(spelling, ensure_ascii=False)[1:-1]})


def scrub(text: str) -> str:
    """`text` with every hidden secret, and any other password a message quotes (`password=...`,
    `scheme://user:password@`), replaced by `***`."""
    for secret in sorted(_hidden, key=len, reverse=True):
        text = text.replace(secret, redact.MASK)
    return redact.mask(text)


class _ScrubbingFormatter(LambdaPowertoolsFormatter):
    """Powertools' structured lines, masked last so no field or traceback can leak a secret."""

    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record))


def plain(log: Mapping[str, object]) -> str:
    """A readable line for local runs (LOG_FORMAT=plain): time, level, message, then the rest."""
    fields = dict(log)
    head = " ".join(str(fields.pop(key, "")) for key in ("timestamp", "level", "message"))
    trace = fields.pop("exception", None)
    for noise in ("location", "service", "sampling_rate", "exception_name", "stack_trace"):
        fields.pop(noise, None)
    line = f"{head} {' '.join(f'{k}={v}' for k, v in fields.items())}".rstrip()
    return f"{line}\n{trace}" if trace else line


@cache
def logger() -> Logger:
    """The Powertools logger of this process (JSON on stdout, or plain with LOG_FORMAT=plain)."""
    settings = get_settings()
    hide(redact.password_of(settings.database_url or ""))
    formatter = _ScrubbingFormatter(
        json_serializer=plain if settings.log_format == "plain" else None, utc=True
    )
    log = Logger(
        service=settings.service_name, level=settings.log_level, logger_formatter=formatter
    )
    # Lambda puts its own handler on the root logger: propagating would print every line twice.
    logging.getLogger(log.service).propagate = False
    for name in APP_LOGGERS:  # `logging.getLogger(__name__)` in our modules: same lines, same keys
        std = logging.getLogger(name)
        std.addHandler(log.registered_handler)
        std.setLevel(log.log_level)
        std.propagate = False
    return log


def reset() -> None:
    """Forget the logger and the hidden secrets, as a new container would (tests)."""
    if logger.cache_info().currsize:
        service = logging.getLogger(logger().service)
        for std in [service, *map(logging.getLogger, APP_LOGGERS)]:
            for handler in list(std.handlers):
                std.removeHandler(handler)
            std.propagate = True
            std.setLevel(logging.NOTSET)
        for mark in (
            "init",
            "powertools_handler",
            "powertools_buffer_config",
            "powertools_buffer_cache",
        ):
            vars(service).pop(mark, None)
    logger.cache_clear()
    _hidden.clear()
