"""Paging cursors: opaque, signed tokens of where a page ended and of the query it belongs to.

A token is `payload.signature`, both base64url: the payload is JSON of the last row's sort key
and VIN, the next page's number and the fingerprint of the normalized filters and sort; the
signature is HMAC-SHA256 under `CURSOR_SECRET`. Whatever a client sends is decoded, checked
against its signature, validated strictly with pydantic and then converted to the sort key's own
type, all before it reaches SQL, where it is a bound parameter like any other value. Anything
wrong is `BadRequestError` (400), never a 500.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from shared.data.search import SORTS, Position, Search, SortKey
from shared.errors import BadRequestError
from shared.ops.settings import get_settings

MAX_CURSOR_LENGTH = 512
INVALID = "Invalid cursor: pass next_cursor exactly as a previous answer gave it."
MISMATCH = (
    "This cursor belongs to another query: repeat the filters and sort it was given with, "
    "or start again without a cursor."
)
# Without CURSOR_SECRET tokens are still checked for corruption, but anyone could sign one:
# harmless (a forged position is validated like any other) yet worth a secret in production.
_DEFAULT_KEY = b"vehicle-inventory list cursor, no CURSOR_SECRET set"
_SIGNATURE_BYTES = 16
_INT_BOUND = 2**31
_PRICE_SENTINEL = Decimal("1e12")  # a vehicle without a price (search.SORTS)


class _Payload(BaseModel):
    """The cursor's JSON, validated strictly: no coercion, no extra keys."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    f: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")]  # the query's fingerprint
    k: Annotated[str, StringConstraints(min_length=1, max_length=40)]  # the sort key, as text
    v: Annotated[str, StringConstraints(pattern=r"^[!-~]{1,64}$")]  # the VIN
    p: Annotated[int, Field(ge=2, le=2**62)]  # the next page's number


def encode(*, key_text: str, vin: str, page: int, search: Search) -> str:
    """The token of the position after the row (`key_text`, `vin`), page `page` of `search`
    (the key as the database renders it: `Sort.key_text`)."""
    payload = _Payload(f=search.fingerprint(), k=key_text, v=vin, p=page)
    body = payload.model_dump_json().encode()
    return f"{_b64(body)}.{_b64(_sign(body))}"


def decode(token: str, search: Search) -> Position:
    """The position in `token`, which must be genuine and belong to `search`."""
    if len(token) > MAX_CURSOR_LENGTH or token.count(".") != 1:
        raise BadRequestError(INVALID)
    body_text, signature_text = token.split(".")
    try:
        body, signature = _unb64(body_text), _unb64(signature_text)
    except (binascii.Error, ValueError) as err:
        raise BadRequestError(INVALID) from err
    if not hmac.compare_digest(signature, _sign(body)):
        raise BadRequestError(INVALID)
    try:
        payload = _Payload.model_validate_json(body)
    except ValidationError as err:
        raise BadRequestError(INVALID) from err
    if not hmac.compare_digest(payload.f, search.fingerprint()):
        raise BadRequestError(MISMATCH)
    return Position(key=_key(payload.k, search), vin=payload.v, page=payload.p)


def _key(text: str, search: Search) -> SortKey:
    try:
        return _READERS[SORTS[search.sort].kind](text)
    except (ValueError, InvalidOperation) as err:
        raise BadRequestError(INVALID) from err


def _moment(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("no time zone")
    return moment


def _amount(text: str) -> Decimal:
    amount = Decimal(text)
    if not amount.is_finite() or not 0 <= amount <= _PRICE_SENTINEL:
        raise ValueError("out of range")
    return amount


def _whole(text: str) -> int:
    whole = int(text)
    if not -_INT_BOUND <= whole <= _INT_BOUND:
        raise ValueError("out of range")
    return whole


_READERS: dict[str, Callable[[str], SortKey]] = {
    "timestamp": _moment,
    "numeric": _amount,
    "integer": _whole,
}


def _sign(body: bytes) -> bytes:
    secret = get_settings().cursor_secret.encode() or _DEFAULT_KEY
    return hmac.digest(secret, body, "sha256")[:_SIGNATURE_BYTES]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    if not text.isascii():
        raise ValueError("not base64")
    return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
