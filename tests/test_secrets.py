"""Where the database URL comes from: DATABASE_URL, SSM, Secrets Manager; caching and rotation."""

from __future__ import annotations

import json
import socket
import struct
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlsplit

import boto3
import psycopg
import pytest
from aws_lambda_powertools.utilities.parameters.constants import DEFAULT_PROVIDERS
from moto import mock_aws

from shared.data.database import Database
from shared.errors import ConfigurationError, DatabaseUnavailableError
from shared.ops import secrets, telemetry
from shared.ops.settings import Settings

PARAMETER = "/vehicle-inventory/test/database-url"
SECRET_NAME = "vehicle-inventory/test/database"
PASSWORD = 's3cr3t p@ss/w:rd?"'
URL = f"postgresql://app:{quote(PASSWORD, safe='')}@db.example.com:6543/postgres"


@pytest.fixture
def aws(aws_env: pytest.MonkeyPatch) -> Iterator[None]:
    """Faked SSM and Secrets Manager; Powertools' cached providers and values are dropped."""
    secrets.clear_cache()
    with mock_aws():
        yield
    secrets.clear_cache()
    telemetry.reset()


def put_parameter(value: str, name: str = PARAMETER) -> None:
    ssm = boto3.client("ssm")
    ssm.put_parameter(Name=name, Value=value, Type="SecureString", Overwrite=True)


def put_secret(value: str, name: str = SECRET_NAME) -> str:
    client = boto3.client("secretsmanager")
    try:
        return str(client.put_secret_value(SecretId=name, SecretString=value)["ARN"])
    except client.exceptions.ResourceNotFoundException:
        return str(client.create_secret(Name=name, SecretString=value)["ARN"])


def aws_calls(provider: str) -> list[str]:
    """Names of the AWS operations Powertools' `provider` client makes from now on."""
    calls: list[str] = []
    client = DEFAULT_PROVIDERS[provider].client

    def record(model: Any, **_: Any) -> None:
        calls.append(model.name)

    client.meta.events.register("before-call", record)
    return calls


def test_database_url_wins_and_needs_no_aws_call() -> None:
    settings = Settings(
        database_url=URL, database_url_ssm_parameter=PARAMETER, database_secret_arn=SECRET_NAME
    )
    assert secrets.database_url(settings) == URL  # no fake AWS here: a call would fail


def test_the_ssm_parameter_comes_before_the_secret_and_is_decrypted(aws: None) -> None:
    put_parameter(URL)
    put_secret("postgresql://other:pw@elsewhere/db")
    settings = Settings(database_url_ssm_parameter=PARAMETER, database_secret_arn=SECRET_NAME)
    assert secrets.database_url(settings) == URL


def test_the_secret_is_used_when_nothing_else_is_set(aws: None) -> None:
    arn = put_secret(URL)
    assert secrets.database_url(Settings(database_secret_arn=arn)) == URL


@pytest.mark.parametrize(
    ("secret", "expected"),
    [
        (f"  {URL}\n", URL),
        (
            {"username": "app", "password": PASSWORD, "host": "db.example.com", "port": 6543,
             "dbname": "postgres"},
            URL,
        ),
        (
            {"engine": "postgres", "username": "postgres.abc", "password": "pw",
             "host": "aws-0-eu-west-1.pooler.supabase.com", "port": "6543", "sslmode": "require"},
            "postgresql://postgres.abc:pw@aws-0-eu-west-1.pooler.supabase.com:6543/postgres"
            "?sslmode=require",
        ),
        (
            {"username": "app", "password": "pw", "host": "::1"},
            "postgresql://app:pw@[::1]:5432/postgres",
        ),
    ],
    ids=["plain-url", "rds-json", "supabase-json-defaults-and-sslmode", "ipv6-host"],
)  # fmt: skip
def test_a_secret_may_hold_a_url_or_rds_style_json(
    aws: None, secret: str | dict[str, Any], expected: str
) -> None:
    put_secret(secret if isinstance(secret, str) else json.dumps(secret))
    assert secrets.database_url(Settings(database_secret_arn=SECRET_NAME)) == expected


def test_a_url_built_from_json_connects(aws: None, database_url: str) -> None:
    parts = urlsplit(database_url)
    fields: dict[str, Any] = {
        "username": parts.username,
        "password": PASSWORD,
        "dbname": parts.path.lstrip("/"),
        "port": parts.port or 5432,
    }
    query = dict(pair.split("=", 1) for pair in parts.query.split("&") if pair)
    fields["host"] = query.get("host") or parts.hostname  # pgserver: a Unix socket directory
    put_secret(json.dumps(fields))
    settings = Settings(database_secret_arn=SECRET_NAME)
    db = Database(settings, secrets.url_source(settings))
    assert db.fetch_one("SELECT current_user", retry=True) == (parts.username,)
    db.close()


@pytest.mark.parametrize(
    ("secret", "complaint"),
    [
        ('{"host": "h", "username": "u", "password": ', "not valid JSON"),
        ('{"host": "h", "password": "pw"}', "lacks username"),
        ('{"host": "h", "username": "u", "password": "pw", "engine": "mysql"}', "not PostgreSQL"),
        ('{"host": "h", "username": "u", "password": "pw", "port": "x"}', "port"),
    ],
    ids=["broken-json", "missing-field", "other-engine", "bad-port"],
)
def test_a_malformed_secret_is_a_clear_error_without_its_value(
    aws: None, secret: str, complaint: str
) -> None:
    put_secret(secret)
    with pytest.raises(ConfigurationError, match=complaint) as raised:
        secrets.database_url(Settings(database_secret_arn=SECRET_NAME))
    assert SECRET_NAME in str(raised.value)
    assert '"pw"' not in str(raised.value)


def test_a_fetched_value_is_cached_for_max_age(aws: None) -> None:
    put_parameter(URL)
    settings = Settings(database_url_ssm_parameter=PARAMETER, database_secret_max_age=300)
    assert secrets.database_url(settings) == URL
    calls = aws_calls("ssm")
    put_parameter("postgresql://app:rotated@db.example.com:6543/postgres")
    assert secrets.database_url(settings) == URL
    assert calls == []


def test_max_age_zero_fetches_every_time(aws: None) -> None:
    put_secret(URL)
    settings = Settings(database_secret_arn=SECRET_NAME, database_secret_max_age=0)
    secrets.database_url(settings)
    calls = aws_calls("secrets")
    secrets.database_url(settings)
    assert calls == ["GetSecretValue"]


def test_refresh_fetches_a_rotated_secret_within_max_age(aws: None) -> None:
    put_secret(URL)
    source = secrets.url_source(Settings(database_secret_arn=SECRET_NAME))
    assert source() == URL
    rotated = "postgresql://app:rotated@db.example.com:6543/postgres"
    put_secret(rotated)
    assert source() == URL
    assert source(refresh=True) == rotated
    assert source() == rotated


def test_nothing_configured_names_all_three_variables() -> None:
    with pytest.raises(ConfigurationError, match="DATABASE_URL is required") as raised:
        secrets.database_url(Settings())
    assert "DATABASE_URL_SSM_PARAMETER" in str(raised.value)
    assert "DATABASE_SECRET_ARN" in str(raised.value)


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        (Settings(database_url_ssm_parameter="/missing"), "/missing"),
        (Settings(database_secret_arn="missing-secret"), "missing-secret"),
    ],
    ids=["ssm", "secrets-manager"],
)
def test_a_missing_parameter_or_secret_is_a_configuration_error_naming_it(
    aws: None, settings: Settings, named: str
) -> None:
    with pytest.raises(ConfigurationError, match=named):
        secrets.database_url(settings)


def test_a_denied_secret_is_a_configuration_error_without_the_value(
    aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from botocore.exceptions import ClientError  # noqa: PLC0415

    def denied(**_: Any) -> None:
        error = {"Code": "AccessDeniedException", "Message": "not authorized to GetSecretValue"}
        raise ClientError({"Error": error}, "GetSecretValue")

    put_secret(URL)
    secrets.database_url(Settings(database_secret_arn=SECRET_NAME, database_secret_max_age=0))
    monkeypatch.setattr(DEFAULT_PROVIDERS["secrets"].client, "get_secret_value", denied)
    with pytest.raises(ConfigurationError, match="AccessDenied") as raised:
        secrets.database_url(Settings(database_secret_arn=SECRET_NAME), refresh=True)
    assert SECRET_NAME in str(raised.value)
    assert PASSWORD not in str(raised.value)


def test_an_unreachable_aws_endpoint_is_a_passing_outage(
    aws_env: pytest.MonkeyPatch,
) -> None:
    secrets.clear_cache()
    aws_env.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # nothing listens: connect refused
    aws_env.setenv("AWS_MAX_ATTEMPTS", "1")
    with pytest.raises(DatabaseUnavailableError, match=PARAMETER):
        secrets.database_url(Settings(database_url_ssm_parameter=PARAMETER))
    secrets.clear_cache()


@pytest.fixture
def rejecting_server() -> Iterator[tuple[str, list[bytes]]]:
    """A PostgreSQL look-alike that asks for a password and rejects it (SQLSTATE 28P01).

    The embedded test server trusts every local connection, so a real rotation failure is
    played by this: returns a URL for it and the passwords it was offered.
    """
    offered: list[bytes] = []
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(4)
    sock.settimeout(60)  # generous: a slow machine must not turn this into a connect timeout

    def serve() -> None:
        try:
            while True:
                conn, _ = sock.accept()
                with conn:
                    _reject(conn, offered)
        except OSError:
            return

    threading.Thread(target=serve, daemon=True).start()
    yield f"postgresql://app:old-password@127.0.0.1:{sock.getsockname()[1]}/app", offered
    sock.close()


def _reject(conn: socket.socket, offered: list[bytes]) -> None:
    while True:  # answer "no" to SSL and GSS encryption requests until the startup message
        (length,) = struct.unpack("!i", conn.recv(4))
        body = conn.recv(length - 4)
        if struct.unpack("!i", body[:4])[0] not in (80877103, 80877104):
            break
        conn.sendall(b"N")
    conn.sendall(b"R" + struct.pack("!ii", 8, 3))  # AuthenticationCleartextPassword
    kind, (length,) = conn.recv(1), struct.unpack("!i", conn.recv(4))
    offered.append(conn.recv(length - 4).rstrip(b"\0") if kind == b"p" else b"")
    fields = b'SFATAL\0VFATAL\0C28P01\0Mpassword authentication failed for user "app"\0\0'
    conn.sendall(b"E" + struct.pack("!i", len(fields) + 4) + fields)


def test_a_rotated_password_is_fetched_again_when_authentication_fails(
    aws: None, database_url: str, rejecting_server: tuple[str, list[bytes]]
) -> None:
    stale_url, offered = rejecting_server
    settings = Settings(database_secret_arn=SECRET_NAME, database_secret_max_age=300)
    put_secret(stale_url)
    assert secrets.database_url(settings) == stale_url  # cached in this warm container
    put_secret(database_url)  # rotated: the old password no longer works
    db = Database(settings, secrets.url_source(settings))
    assert db.fetch_one("SELECT 1", retry=True) == (1,)
    assert offered == [b"old-password"]
    db.close()


def test_the_rejecting_server_really_fails_authentication(
    rejecting_server: tuple[str, list[bytes]],
) -> None:
    url, offered = rejecting_server
    with pytest.raises(psycopg.OperationalError, match="password authentication failed") as err:
        psycopg.connect(url, connect_timeout=5)
    assert offered == [b"old-password"]
    assert err.value.pgconn is not None
    assert err.value.pgconn.used_password
