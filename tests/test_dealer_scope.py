"""Dealer-scoped credentials on the API: a scoped key or user writes only its dealers' vehicles
(403 otherwise, checked in the write's own statement), unscoped ones write everything, a
malformed scope claim denies, and the fast path answers as FastAPI's own handler does."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from functions import create_vehicle, delete_vehicle, get_vehicle, update_vehicle
from shared.api import create_route
from shared.auth import keys
from shared.data import scope
from shared.data.database import Database
from shared.ops.settings import get_settings
from tests.fixtures.api import make_vin, new_vehicle, round_trips, stored_vins
from tests.fixtures.auth import SigningKey, sign
from tests.fixtures.events import Reply, http_api_event, invoke
from tests.test_fast_route import _comparable, _handler

ACME, OTHER, THIRD = "Acme Motors", "Other Cars", "Third Autos"
OURS, THEIRS = make_vin(1), make_vin(2)


@pytest.fixture
def api(auth_env: pytest.MonkeyPatch, db: Database) -> Iterator[Database]:
    """Write auth on; `OURS` is Acme's vehicle, `THEIRS` Other's (posted with an unscoped key)."""
    admin = {"X-API-Key": keys.create(db=db, name="admin")[1]}
    assert post(admin, vin=OURS, dealer_name=ACME).status == 201
    assert post(admin, vin=THEIRS, dealer_name=OTHER).status == 201
    yield db
    with db.transaction() as conn:
        conn.execute("DELETE FROM api_keys")


def key_for(db: Database, *dealers: str) -> dict[str, str]:
    key = keys.create(db=db, name="scoped", dealers=dealers or None)[1]
    return {"X-API-Key": key}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def post(headers: dict[str, str], **fields: Any) -> Reply:
    body = json.dumps(new_vehicle(**fields))
    return invoke(create_vehicle.handler, http_api_event("POST", body=body, headers=headers))


def patch(headers: dict[str, str], vin: str, body: dict[str, Any], **extra: str) -> Reply:
    headers = {**headers, "content-type": "application/json", **extra}
    event = http_api_event("PATCH", f"/api/vehicles/{vin}", body=json.dumps(body), headers=headers)
    return invoke(update_vehicle.handler, event)


def delete(headers: dict[str, str], vin: str) -> Reply:
    event = http_api_event("DELETE", f"/api/vehicles/{vin}", headers=headers)
    return invoke(delete_vehicle.handler, event)


def dealer_of(vin: str) -> Any:
    reply = invoke(get_vehicle.handler, http_api_event("GET", f"/api/vehicles/{vin}"))
    return reply.json()["dealer_name"] if reply.status == 200 else reply.status


def refused(reply: Reply, detail: str) -> bool:
    return (reply.status, reply.json()) == (403, {"detail": detail})


def test_a_scoped_key_posts_its_dealers_vehicles_in_any_case_and_spacing(api: Database) -> None:
    headers = key_for(api, ACME, THIRD)
    assert post(headers, vin=make_vin(3), dealer_name="  acme MOTORS ").status == 201
    assert post(headers, vin=make_vin(4), dealer_name=THIRD).status == 201
    assert dealer_of(make_vin(3)) == "acme MOTORS"  # stored as sent (trimmed), compared loosely


def test_a_scoped_key_may_not_post_another_dealers_vehicle_or_one_of_no_dealer(
    api: Database,
) -> None:
    headers = key_for(api, ACME)
    assert refused(post(headers, vin=make_vin(3), dealer_name=OTHER), scope.OTHER_DEALER)
    assert refused(post(headers, vin=make_vin(4)), scope.NO_DEALER)
    assert refused(post(headers, vin=make_vin(5), dealer_name="Acme  Motors"), scope.OTHER_DEALER)
    assert stored_vins(api) == sorted([OURS, THEIRS])


def test_a_scoped_key_patches_its_vehicle_and_may_move_it_within_its_dealers(
    api: Database,
) -> None:
    headers = key_for(api, ACME, THIRD)
    assert patch(headers, OURS, {"price": 9900}).status == 200
    assert patch(headers, OURS, {"dealer_name": THIRD}).status == 200
    assert dealer_of(OURS) == THIRD


def test_a_scoped_key_may_not_patch_another_dealers_vehicle(api: Database) -> None:
    headers = key_for(api, ACME)
    assert refused(patch(headers, THEIRS, {"price": 1}), scope.NOT_YOURS)
    assert refused(patch(headers, THEIRS, {"dealer_name": ACME}), scope.NOT_YOURS)  # no taking
    # Permission before precondition: a stale ETag still answers 403, not 412.
    assert refused(patch(headers, THEIRS, {"price": 1}, **{"if-match": '"0-1"'}), scope.NOT_YOURS)
    assert dealer_of(THEIRS) == OTHER


@pytest.mark.parametrize("target", [OTHER, None], ids=["another dealer", "no dealer"])
def test_a_scoped_key_may_not_move_its_vehicle_out_of_its_dealers(
    api: Database, target: str | None
) -> None:
    reply = patch(key_for(api, ACME), OURS, {"dealer_name": target, "price": 5})
    assert refused(reply, scope.MOVED_OUT)
    assert dealer_of(OURS) == ACME


def test_a_scoped_key_deletes_its_vehicle_not_another_dealers(api: Database) -> None:
    headers = key_for(api, ACME)
    assert refused(delete(headers, THEIRS), scope.NOT_YOURS)
    assert delete(headers, OURS).status == 204
    assert stored_vins(api) == [THEIRS]


def test_a_missing_vin_is_404_for_a_scoped_key_as_for_anyone(api: Database) -> None:
    headers = key_for(api, ACME)
    missing = make_vin(77)
    for reply in (patch(headers, missing, {"price": 1}), delete(headers, missing)):
        assert (reply.status, reply.json()) == (404, {"detail": "Vehicle not found."})


def test_an_unscoped_key_writes_every_dealer_and_vehicles_of_none(api: Database) -> None:
    headers = key_for(api)
    assert post(headers, vin=make_vin(3)).status == 201
    assert post(headers, vin=make_vin(4), dealer_name=THIRD).status == 201
    assert patch(headers, THEIRS, {"dealer_name": None}).status == 200
    assert patch(headers, OURS, {"dealer_name": OTHER}).status == 200
    assert delete(headers, THEIRS).status == 204


def test_a_scoped_write_is_still_one_round_trip(
    api: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    headers = key_for(api, ACME)
    with round_trips(monkeypatch) as sent:
        assert post(headers, vin=make_vin(3), dealer_name=OTHER).status == 403
        assert patch(headers, THEIRS, {"price": 1}).status == 403
    assert len(sent) == 2


def test_a_users_dealer_claim_scopes_their_writes(
    api: Database, signing_keys: dict[str, SigningKey]
) -> None:
    one = bearer(
        sign(
            signing_keys["es"],
            app_metadata={"inventory_role": "writer", "dealer_names": "acme motors"},
        )
    )
    assert post(one, vin=make_vin(3), dealer_name=ACME).status == 201
    assert refused(post(one, vin=make_vin(4), dealer_name=OTHER), scope.OTHER_DEALER)
    assert refused(patch(one, THEIRS, {"price": 1}), scope.NOT_YOURS)
    assert refused(delete(one, THEIRS), scope.NOT_YOURS)
    many = {"inventory_role": "writer", "dealer_names": [ACME, OTHER]}
    two = bearer(sign(signing_keys["rsa"], app_metadata=many))
    assert patch(two, THEIRS, {"dealer_name": ACME}).status == 200


def test_a_user_without_the_claim_and_the_service_role_are_unscoped(
    api: Database, signing_keys: dict[str, SigningKey]
) -> None:
    user = bearer(sign(signing_keys["es"]))  # a writer with no dealer_names
    assert patch(user, THEIRS, {"price": 1}).status == 200
    service = bearer(
        sign(signing_keys["es"], role="service_role", app_metadata={"dealer_names": 7})
    )  # the service role's token is trusted whole
    assert delete(service, THEIRS).status == 204


@pytest.mark.parametrize(
    "claim",
    [7, {"name": ACME}, None, [], [ACME, 3], [""], "  ", True],
    ids=["number", "object", "null", "empty list", "mixed list", "blank item", "blank", "bool"],
)
def test_a_malformed_dealer_claim_denies_rather_than_widens(
    api: Database, signing_keys: dict[str, SigningKey], claim: Any
) -> None:
    token = sign(
        signing_keys["es"], app_metadata={"inventory_role": "writer", "dealer_names": claim}
    )
    reply = post(bearer(token), vin=make_vin(3), dealer_name=ACME)
    assert reply.status == 403
    assert "app_metadata.dealer_names must be a dealer name" in reply.json()["detail"]
    assert stored_vins(api) == sorted([OURS, THEIRS])


def test_the_dealer_claim_is_the_configured_path(
    api: Database, auth_env: pytest.MonkeyPatch, signing_keys: dict[str, SigningKey]
) -> None:
    auth_env.setenv("AUTH_DEALER_CLAIM", "app_metadata.dealership")
    get_settings.cache_clear()
    metadata = {"inventory_role": "writer", "dealership": [OTHER], "dealer_names": [ACME]}
    user = bearer(sign(signing_keys["es"], app_metadata=metadata))
    assert refused(patch(user, OURS, {"price": 1}), scope.NOT_YOURS)
    assert patch(user, THEIRS, {"price": 1}).status == 200


@pytest.mark.parametrize(
    "dealer", [ACME, OTHER, None, " acme motors"], ids=["own", "other", "none", "spelled loosely"]
)
def test_the_fast_path_and_fastapi_agree_on_a_scoped_post(
    api: Database, dealer: str | None
) -> None:
    headers = {**key_for(api, ACME), "Content-Type": "application/json"}
    body = json.dumps(new_vehicle(vin=make_vin(9), dealer_name=dealer))
    event = http_api_event("POST", "/api/vehicles", body=body, headers=headers)
    fast = invoke(_handler(create_route.create_router, fast=True), event)
    with api.transaction() as conn:
        conn.execute("DELETE FROM vehicles WHERE vin = %s", [make_vin(9)])
    plain = invoke(_handler(create_route.create_router, fast=False), event)
    assert _comparable(fast) == _comparable(plain)
    assert fast.status == (201 if dealer in (ACME, " acme motors") else 403)


def test_the_document_lists_403_for_every_write() -> None:
    from tests.fixtures.api import openapi  # noqa: PLC0415

    paths = openapi()["paths"]
    for method, path in (
        ("post", "/api/vehicles"),
        ("patch", "/api/vehicles/{vin}"),
        ("delete", "/api/vehicles/{vin}"),
    ):
        assert "dealer scope" in paths[path][method]["responses"]["403"]["description"]
