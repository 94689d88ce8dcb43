"""The legacy HS256 secret read like the database URL: env, SSM or Secrets Manager (moto)."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

from shared.auth import tokens
from shared.errors import AuthenticationError, ConfigurationError
from shared.ops import secrets, telemetry
from shared.ops.settings import Settings
from tests.fixtures.auth import ISSUER, SECRET, sign_hs256

NAME = "/vehicle-inventory/test/jwt-secret"


@pytest.fixture
def aws(aws_env: pytest.MonkeyPatch) -> Iterator[None]:
    secrets.clear_cache()
    with mock_aws():
        yield
    secrets.clear_cache()
    telemetry.reset()


def test_the_secret_comes_from_ssm_and_verifies_hs256_tokens(aws: None) -> None:
    boto3.client("ssm").put_parameter(Name=NAME, Value=SECRET, Type="SecureString")
    settings = Settings(auth_jwt_secret_ssm_parameter=NAME, auth_issuer=ISSUER)
    assert tokens.verify(sign_hs256(), settings)["iss"] == ISSUER
    with pytest.raises(AuthenticationError, match="signature does not verify"):
        tokens.verify(sign_hs256("another-secret-of-at-least-thirty-two-bytes"), settings)


def test_the_secret_comes_from_secrets_manager(aws: None) -> None:
    arn = boto3.client("secretsmanager").create_secret(Name="jwt", SecretString=SECRET)["ARN"]
    assert secrets.jwt_secret(Settings(auth_jwt_secret_arn=arn)) == SECRET


def test_a_missing_parameter_is_a_configuration_error_naming_it(aws: None) -> None:
    with pytest.raises(ConfigurationError, match="cannot read the JWT secret from SSM parameter"):
        secrets.jwt_secret(Settings(auth_jwt_secret_ssm_parameter=NAME))


def test_no_secret_configured_means_none() -> None:
    assert secrets.jwt_secret(Settings()) is None
