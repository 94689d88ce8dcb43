"""Settings: read once from the environment, with clear errors naming a malformed variable."""

from __future__ import annotations

import pytest

from shared.errors import ConfigurationError
from shared.ops.settings import Settings, get_settings


def test_an_empty_environment_gives_the_documented_defaults() -> None:
    settings = Settings.from_env({})
    assert settings == Settings()
    assert (settings.cors_origins, settings.vin_check_digit, settings.log_level) == (
        ("*",),
        True,
        "INFO",
    )
    assert (settings.db_statement_timeout_ms, settings.db_prepared_statements) == (5000, False)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", ("*",)),
        ("*", ("*",)),
        ("https://a.example.com", ("https://a.example.com",)),
        (
            " https://a.example.com/ , http://localhost:3001 ,",
            ("https://a.example.com", "http://localhost:3001"),
        ),
        ("https://a.example.com,*", ("*",)),
    ],
    ids=["unset", "star", "one", "list-with-spaces-and-slashes", "star-wins"],
)
def test_cors_origins_are_a_comma_separated_list(raw: str, expected: tuple[str, ...]) -> None:
    assert Settings.from_env({"CORS_ORIGINS": raw}).cors_origins == expected


@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        ("VIN_CHECK_DIGIT", "maybe", "VIN_CHECK_DIGIT must be on or off"),
        ("DB_CONNECT_TIMEOUT", "five", "DB_CONNECT_TIMEOUT must be a whole number"),
        ("DB_CONNECT_TIMEOUT", "0", "DB_CONNECT_TIMEOUT must be at least 1"),
        ("DB_STATEMENT_TIMEOUT_MS", "-1", "DB_STATEMENT_TIMEOUT_MS must be at least 0"),
        ("LOG_LEVEL", "VERBOSE", "LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR"),
        ("LOG_FORMAT", "xml", "LOG_FORMAT must be one of JSON, PLAIN"),
    ],
    ids=["flag", "not-a-number", "below-minimum", "negative", "log-level", "log-format"],
)
def test_a_malformed_variable_is_a_clear_error_naming_it(name: str, raw: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        Settings.from_env({name: raw})


@pytest.mark.parametrize(
    ("raw", "expected"), [("off", False), ("0", False), ("ON", True), ("yes", True)]
)
def test_flags_accept_the_usual_spellings(raw: str, expected: bool) -> None:
    assert Settings.from_env({"VIN_CHECK_DIGIT": raw}).vin_check_digit is expected


def test_settings_are_read_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_LEVEL", "DEBUG")
    first = get_settings()
    monkeypatch.setenv("LOG_LEVEL", "ERROR")
    assert get_settings() is first
    assert first.log_level == "DEBUG"


def test_an_empty_environment_gives_the_defaults_declared_on_the_fields() -> None:
    # The defaults are written once, on the dataclass; reading the environment falls back to them.
    assert Settings.from_env({}) == Settings()
