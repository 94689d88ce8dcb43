"""Reading the dealer export's cells into the values validation receives.

Real exports write `$34,499`, `45,500 mi`, `2024.0` (a spreadsheet's float year) and `N/A`. Each
parser takes a cell that is not blank and returns a value for the model, or raises `ValueError`
saying what it could not read; the model then applies the same rules as `POST` (ranges, lengths).
A blank or placeholder cell (`N/A`, `-`) of an optional column never reaches a parser: it means
"no value" (see `is_placeholder`).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

# What exports write for "no value" in an optional column, compared upper-cased.
PLACEHOLDERS = frozenset({"", "N/A", "NA", "N.A.", "-", "--", "NONE", "NULL", "TBD"})
_MONEY = re.compile(r"(?i)\s*(?:USD\s*)?\$?\s*(?P<n>[0-9][0-9,]*(?:\.[0-9]*)?)\s*(?:USD)?\s*\Z")
_MILES = re.compile(r"(?i)\s*(?P<n>[0-9][0-9,]*(?:\.0*)?)\s*(?:mi|mi\.|miles?)?\s*\Z")
_WHOLE = re.compile(r"\s*(?P<n>[0-9]+)(?:\.0*)?\s*\Z")
_THOUSANDS = re.compile(r"\A[0-9]{1,3}(?:,[0-9]{3})*\Z|\A[0-9]+\Z")


def is_placeholder(cell: str) -> bool:
    """A cell that means "no value": blank, `N/A`, `-` and the like."""
    return cell.strip().upper() in PLACEHOLDERS


def whole_number(cell: str) -> int:
    """`2024` or `2024.0` (a spreadsheet's float); anything else is refused."""
    found = _WHOLE.match(cell)
    if not found:
        raise ValueError(f"not a whole number: {cell.strip()[:40]!r}")
    return int(found["n"])


def money(cell: str) -> Decimal:
    """`34499`, `$34,499`, `34,499.00`, `USD 34499`: the amount, exactly (no float)."""
    found = _MONEY.match(cell)
    if not found or not _THOUSANDS.match(found["n"].split(".")[0]):
        raise ValueError(f"not an amount: {cell.strip()[:40]!r}")
    try:
        return Decimal(found["n"].replace(",", ""))
    except InvalidOperation as err:  # pragma: no cover - the pattern admits only digits
        raise ValueError(f"not an amount: {cell.strip()[:40]!r}") from err


def miles(cell: str) -> int:
    """`45500`, `45,500`, `45,500 mi`, `45500 miles`: a whole number of miles."""
    found = _MILES.match(cell)
    if not found or not _THOUSANDS.match(found["n"].split(".")[0]):
        raise ValueError(f"not a mileage in miles: {cell.strip()[:40]!r}")
    return int(found["n"].split(".")[0].replace(",", ""))


def comma_list(cell: str) -> list[str]:
    """One comma-separated list (`PhotoURLs`, `Equipments`); blanks are dropped by validation."""
    return cell.split(",")
