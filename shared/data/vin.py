"""Vehicle Identification Numbers: normalisation and validation.

Since 1981 a VIN has 17 characters from 0-9 and A-Z without I, O and Q, and in North America its
9th character is a check digit (49 CFR 565). Older vehicles carry shorter, free-form numbers that
real dealer exports contain, so 5 to 16 letters and digits are accepted as they are.
"""

from __future__ import annotations

import re

from shared.data.text import WHITE

# A VIN as a client may type it: any letter case, white space around it (the OpenAPI pattern).
SHORT_PATTERN = rf"^[{WHITE}]*[A-Za-z0-9]{{5,16}}[{WHITE}]*$"
PATTERN = rf"^[{WHITE}]*(?:[A-HJ-NPR-Za-hj-npr-z0-9]{{17}}|[A-Za-z0-9]{{5,16}})[{WHITE}]*$"
_AS_TYPED = re.compile(PATTERN)
DESCRIPTION = (
    "17 characters from 0-9 and A-Z without I, O and Q whose 9th is the check digit of 49 CFR 565 "
    "(format `vin`: no pattern can say it; servers run with VIN_CHECK_DIGIT=off skip it), or 5-16 "
    "letters and digits for vehicles built before 1981. Any letter case, white space around it "
    "ignored; stored trimmed and upper-case."
)
_MODERN = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")
_CLASSIC = re.compile(r"^[A-Z0-9]{5,16}$")
_VALUES = dict(
    zip(
        "ABCDEFGHJKLMNPRSTUVWXYZ",
        [1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9],
        strict=True,
    )
)
_VALUES.update({str(digit): digit for digit in range(10)})
_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


def normalize(vin: str) -> str:
    """Trimmed and upper-cased: the form VINs are stored and compared in."""
    return vin.strip().upper()


def check_digit(vin: str) -> str:
    """The check digit a 17-character VIN should carry at position 9."""
    total = sum(_VALUES[char] * weight for char, weight in zip(vin, _WEIGHTS, strict=True))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def problem(vin: str, *, check: bool = True) -> str | None:
    """Why the normalised `vin` is not acceptable, or None when it is."""
    if len(vin) == 17:
        if not _MODERN.match(vin):
            return "a 17-character VIN uses only digits and letters other than I, O and Q"
        if check and vin[8] != check_digit(vin):
            return f"check digit (position 9) should be {check_digit(vin)}, got {vin[8]}"
        return None
    if _CLASSIC.match(vin):
        return None
    if len(vin) < 5 or len(vin) > 17:
        return "a VIN has 17 characters (5 to 16 for vehicles built before 1981)"
    return "a VIN uses only letters and digits"


def problem_as_typed(vin: str, *, check: bool = True) -> str | None:
    """Why `vin`, as received, is not acceptable: `problem` of its normalised form, and letters
    outside A-Z that upper-case into them (U+017F long s -> S) are refused, as `PATTERN` says."""
    reason = problem(normalize(vin), check=check)
    if reason is None and not _AS_TYPED.fullmatch(vin):
        return "a VIN uses only the letters A-Z and digits"
    return reason
