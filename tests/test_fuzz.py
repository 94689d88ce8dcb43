"""Property-based run against the served OpenAPI document (schemathesis, every check).

Requests the document calls valid must be accepted, invalid ones refused, and every answer must
be one the document describes; then sequences follow the document's links (POST -> GET by
`vin`). In-process through ASGI, against the test database; a fixed seed and a bounded number of
cases, so a run is the same every time. The VIN's check digit is the one rule no pattern can say:
the document names it `format: vin`, and `VIN` below generates such values, as a client that
follows the description would.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import strategies as st

from functions import docs
from shared.data import cursor
from shared.data.database import Database
from shared.data.vin import check_digit
from shared.ops.settings import get_settings
from tests.fixtures.auth import create_key

MODERN = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
SETTINGS = hypothesis.settings(
    max_examples=150,
    derandomize=True,  # the same cases every run
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@st.composite
def vin(draw: st.DrawFn) -> str:
    """A VIN of `format: vin`: 17 characters with their check digit, or 5-16 (pre-1981), in any
    letter case, maybe with white space around."""
    if draw(st.booleans()):
        draft = draw(st.text(MODERN, min_size=17, max_size=17))
        value = draft[:8] + check_digit(draft) + draft[9:]
    else:
        value = draw(st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=5, max_size=16))
    if draw(st.booleans()):
        value = value.lower()
    return draw(st.sampled_from(["", " ", "\t"])) + value + draw(st.sampled_from(["", " "]))


schemathesis.openapi.format("vin", vin())
# A valid request may still meet the vehicle's state: 412 when its If-Match names another
# version (the document says so), 404 and 409 as schemathesis expects by default.
CONFIG = schemathesis.config.SchemathesisConfig.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "3xx", "401", "403", "404", "409", "412", "429", "5xx"]
            }
        }
    }
)
schema = schemathesis.openapi.from_asgi("/openapi.json", docs.app, config=CONFIG)


@pytest.fixture
def api(app_env: pytest.MonkeyPatch, db: Database) -> dict[str, str]:
    """The docs app (every route) pointed at an empty inventory, write auth on as deployed; the
    headers of a write credential (schemathesis also checks that writes without it are refused)."""
    app_env.setenv("AUTH_WRITE", "on")
    get_settings.cache_clear()
    with db.transaction() as conn:
        conn.execute("DELETE FROM api_keys")
    return {"X-API-Key": create_key(db)}


@schema.parametrize()
@SETTINGS
def test_every_operation_honours_the_document(
    api: dict[str, str], case: schemathesis.Case[Any]
) -> None:
    # Two refusals no document can state, checked here instead: a minimum above its maximum
    # (422 naming a bound) and a cursor that is not one this API signed for this query (400).
    response = case.call(headers=api)
    if response.status_code == 422 and _inverted_range(case):
        named = {error["loc"][1] for error in response.json()["detail"]}
        assert named & {"year_min", "year_max", "price_min", "price_max"}, named
        return
    if response.status_code == 400 and (case.query or {}).get("cursor"):
        assert response.json() in ({"detail": cursor.INVALID}, {"detail": cursor.MISMATCH})
        return
    case.validate_response(response, headers=api)


def _inverted_range(case: schemathesis.Case[Any]) -> bool:
    """A list request whose year or price minimum exceeds its maximum (both valid alone)."""
    query = case.query or {}
    if case.method != "GET" or case.path != "/api/vehicles":
        return False
    for low, high in (("year_min", "year_max"), ("price_min", "price_max")):
        try:
            if Decimal(str(query[low])) > Decimal(str(query[high])):
                return True
        except (KeyError, ArithmeticError, ValueError):
            continue
    return False


def test_linked_sequences_honour_the_document(api: dict[str, str], db: Database) -> None:
    class Workflow(schema.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            # Each sequence starts from an empty inventory, so a replayed one answers the same.
            with db.transaction() as conn:
                conn.execute("TRUNCATE vehicles")

        def get_call_kwargs(self, case: schemathesis.Case[Any]) -> dict[str, Any]:  # noqa: ARG002
            return {"headers": api}

    Workflow.run(settings=hypothesis.settings(SETTINGS, max_examples=60, stateful_step_count=6))
