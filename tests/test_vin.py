"""VIN rules: normalisation, the North American check digit, and pre-1981 numbers."""

from __future__ import annotations

import pytest

from shared.data import vin as vins


def test_a_vin_is_normalised_by_trimming_and_upper_casing() -> None:
    assert vins.normalize("  1hgcm82633a004352\t") == "1HGCM82633A004352"


@pytest.mark.parametrize(
    ("vin", "digit"),
    [("1HGCM82633A004352", "3"), ("1M8GDM9AXKP042788", "X"), ("11111111111111111", "1")],
    ids=["digit", "ten-is-X", "all-ones"],
)
def test_the_check_digit_follows_the_north_american_rule(vin: str, digit: str) -> None:
    assert vins.check_digit(vin) == digit


@pytest.mark.parametrize(
    "vin",
    ["1HGCM82633A004352", "1M8GDM9AXKP042788", "ABC12", "1234567890ABCDEF", "ioq12"],
    ids=["modern", "check-digit-X", "5-chars", "16-chars", "old-may-use-I-O-Q"],
)
def test_valid_vins_have_no_problem(vin: str) -> None:
    assert vins.problem(vins.normalize(vin)) is None


@pytest.mark.parametrize(
    ("vin", "reason"),
    [
        ("1HGCM82643A004352", "check digit (position 9) should be 3, got 4"),
        ("1HGCM82633I004352", "other than I, O and Q"),
        ("1HGCM82633O004352", "other than I, O and Q"),
        ("ABCD", "17 characters"),
        ("1HGCM82633A0043521", "17 characters"),
        ("", "17 characters"),
        ("ABC-12345", "only letters and digits"),
        ("ABC 12345", "only letters and digits"),
    ],
    ids=["check-digit", "letter-I", "letter-O", "too-short", "too-long", "empty", "dash", "space"],
)
def test_invalid_vins_say_why(vin: str, reason: str) -> None:
    problem = vins.problem(vin)
    assert problem is not None
    assert reason in problem


def test_the_check_digit_can_be_ignored_for_vehicles_from_elsewhere() -> None:
    european = "WVWZZZ1JZ3W386752"
    assert vins.problem(european) is not None
    assert vins.problem(european, check=False) is None
