"""template.yaml is generated from serverless.yml, and the generator keeps up with it.

The first test is the drift guard: a change to serverless.yml without `make sam-template` fails
it. The others check the generator: new functions, routes, variables, concurrency caps and stage
throttling flow through, and what it cannot translate stops it. test_sam_matches_osls.py checks
that the template means what serverless.yml means.
"""

from __future__ import annotations

import copy
import difflib
from typing import Any

import pytest

from shared.dev import sam_template, serverless_config
from shared.dev.serverless_config import NotTranslatedError


def test_template_yaml_is_what_make_sam_template_writes() -> None:
    expected = sam_template.render(sam_template.generate())
    actual = sam_template.TEMPLATE.read_text()
    diff = difflib.unified_diff(actual.splitlines(), expected.splitlines(), lineterm="", n=1)
    assert actual == expected, "run `make sam-template`:\n" + "\n".join(list(diff)[:40])


def changed_serverless_yml(monkeypatch: pytest.MonkeyPatch, change: Any) -> dict[str, Any]:
    """serverless.yml as the generator reads it, after `change(raw)`."""
    raw = copy.deepcopy(serverless_config.load())
    change(raw)
    monkeypatch.setattr(sam_template, "load", lambda: raw)
    return raw


def add_archive_function(raw: dict[str, Any]) -> None:
    raw["functions"]["archiveVehicle"] = {
        "handler": "functions/archive_vehicle.handler",
        "reservedConcurrency": "${env:ARCHIVE_CONCURRENCY, '5'}",
        "environment": {"ARCHIVE_AFTER_DAYS": "${env:ARCHIVE_AFTER_DAYS, '90'}"},
        "events": [{"httpApi": "DELETE /api/vehicles/{vin}"}],
    }
    raw["resources"]["extensions"]["HttpApiStage"] = {
        "Properties": {"DefaultRouteSettings": {"ThrottlingBurstLimit": 200}}
    }


def test_a_function_added_to_serverless_yml_reaches_the_template(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    changed_serverless_yml(monkeypatch, add_archive_function)
    template = sam_template.generate()
    function = template["Resources"]["ArchiveVehicleLambdaFunction"]["Properties"]
    assert function["Handler"] == "functions/archive_vehicle.handler"
    assert function["ReservedConcurrentExecutions"] == {"Ref": "ArchiveConcurrency"}
    assert function["Environment"] == {
        "Variables": {"ARCHIVE_AFTER_DAYS": {"Ref": "ArchiveAfterDays"}}
    }
    assert function["Events"]["DeleteApiVehiclesVinVar"]["Properties"]["Method"] == "DELETE"
    assert template["Parameters"]["ArchiveConcurrency"]["Default"] == "5"
    api = template["Resources"]["HttpApi"]["Properties"]
    assert api["DefaultRouteSettings"] == {"ThrottlingBurstLimit": 200}
    assert sam_template.render(template) != sam_template.TEMPLATE.read_text()


@pytest.mark.parametrize(
    "change",
    [
        lambda raw: raw["provider"].setdefault("httpApi", {}).update(metrics=True),
        lambda raw: raw["functions"]["health"].update(provisionedConcurrency=1),
        lambda raw: raw["functions"]["seed"].update(events=[{"schedule": "rate(1 day)"}]),
        lambda raw: raw["resources"]["Resources"].update(
            Alarm={"Type": "AWS::CloudWatch::Alarm", "DependsOn": "HttpApiStage"}
        ),
        lambda raw: raw["provider"]["environment"].update(TOKEN="${ssm:/app/token}"),
    ],
    ids=["api-metrics", "provisioned-concurrency", "schedule-event", "osls-only-name", "ssm"],
)
def test_what_the_generator_cannot_translate_stops_it(
    monkeypatch: pytest.MonkeyPatch, change: Any
) -> None:
    changed_serverless_yml(monkeypatch, change)
    with pytest.raises(ValueError, match=r"serverless\.yml|osls makes"):
        sam_template.generate()


def test_secret_settings_are_not_echoed_by_cloudformation() -> None:
    parameters = sam_template.generate()["Parameters"]
    assert parameters["DatabaseUrl"]["NoEcho"] is True
    assert "NoEcho" not in parameters["DatabaseSecretArn"]
    assert issubclass(NotTranslatedError, ValueError)
