"""Dealer scope: the `dealer_name`s a credential may write, and the one rule that compares them.

A scope is a list of dealer names, or None: unscoped (every vehicle, those without a dealer too).
Names compare **trimmed and case-insensitively**, always in PostgreSQL (`lower(btrim(...))` on both
sides), so the API, the seed and a key's stored list cannot disagree: a scope of "Acme Motors"
covers a vehicle of " ACME MOTORS". Inner spaces count ("Acme  Motors" is another dealer). A
vehicle without a `dealer_name` is outside every scope, so a scoped credential must name one.

The SQL here is fragments for the write statements (`shared.data.credentials`, `writes`,
`vehicles`) and the snapshot sync (`shared.seed.snapshot`).
"""

from __future__ import annotations

from collections.abc import Iterable

# The 403s of a scoped credential. They never name another dealer (nor say more than GET would).
NO_DEALER = "This credential is limited to its dealers: the vehicle must name its dealer_name."
OTHER_DEALER = "This credential may not write vehicles of that dealer_name."
NOT_YOURS = "This credential may not change vehicles of other dealers."
MOVED_OUT = "This credential may not move a vehicle to a dealer_name outside its dealers."


def dealer_key(expression: str) -> str:
    """The SQL of the comparable form of the dealer name `expression`."""
    return f"lower(btrim({expression}))"


def comparable(array: str) -> str:
    """The SQL of a text[] `array` of dealer names in comparable form; NULL stays NULL."""
    each = f"SELECT {dealer_key('d')} FROM unnest({array}) AS d"
    return f"CASE WHEN {array} IS NOT NULL THEN ARRAY({each}) END"


def within(scope: str, dealer: str) -> str:
    """SQL that is true when the dealer name `dealer` is covered by `scope` (a comparable text[],
    NULL: unscoped), false otherwise (never NULL: a vehicle of no dealer is outside)."""
    return f"({scope} IS NULL OR coalesce({dealer_key(dealer)} = ANY({scope}), false))"


def names(given: Iterable[str]) -> tuple[str, ...]:
    """Dealer names as a scope stores them: trimmed, blanks and repeats (in the comparison's
    sense, which PostgreSQL applies) left to the database; an empty result is an error."""
    cleaned = tuple(dict.fromkeys(name.strip() for name in given if name.strip()))
    if not cleaned:
        raise ValueError("a dealer scope names at least one dealer")
    return cleaned
