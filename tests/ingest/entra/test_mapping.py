"""Per-record mapping rules: sign-in kind, status, place, keys and per-record routing."""

from __future__ import annotations

from datetime import datetime

import pytest

from mailscope.ingest.base import Bad
from mailscope.ingest.readers.entra.route import map_record
from mailscope.ingest.readers.entra.signin_map import signin_row

BASE = {"id": "0c532507-b101-4090-b2f1-4d768e2f3500", "createdDateTime": "2023-06-15T04:12:33Z"}


def _signin(**fields: object) -> dict[str, object]:
    record: dict[str, object] = {**BASE, "appId": "a", **fields}
    row = map_record(record, "{}", "t")
    assert row.table == "signins"
    return row.values


@pytest.mark.parametrize(
    ("fields", "kind"),
    [
        ({"signInEventTypes": ["managedIdentity"], "userId": "u"}, "managed_identity"),
        ({"signInEventTypes": ["servicePrincipal"]}, "service_principal"),
        ({"signInEventTypes": ["nonInteractiveUser"], "isInteractive": True}, "noninteractive"),
        ({"signInEventTypes": ["interactiveUser"], "isInteractive": False}, "interactive"),
        ({"managedIdentityType": "userAssigned", "servicePrincipalId": "s"}, "managed_identity"),
        ({"managedServiceIdentity": {"msiType": "systemAssigned"}}, "managed_identity"),
        (
            {"managedServiceIdentity": {"msiType": "none"}, "servicePrincipalId": "s"},
            "service_principal",
        ),
        (
            {"servicePrincipalName": "app", "userId": "", "userPrincipalName": ""},
            "service_principal",
        ),
        ({"servicePrincipalId": "s", "userId": "u"}, "interactive"),
        ({"isInteractive": False, "userId": "u"}, "noninteractive"),
        ({"userId": "u"}, "interactive"),
    ],
)
def test_kind_from_the_record(fields: dict[str, object], kind: str) -> None:
    assert _signin(**fields)["kind"] == kind


def test_kind_from_eventhub_category_wins() -> None:
    record = {
        "time": "2023-06-15T04:12:35Z",
        "category": "NonInteractiveUserSignInLogs",
        "properties": {**BASE, "appId": "a", "isInteractive": True},
    }
    assert map_record(record, "{}", "t").values["kind"] == "noninteractive"


@pytest.mark.parametrize(
    ("fields", "code", "success"),
    [
        ({"status": {"errorCode": 0}}, 0, True),
        ({"status": {"errorCode": 50126, "failureReason": "x"}}, 50126, False),
        ({"Status": '{"errorCode":90072}'}, 90072, False),
        ({"Status": "Success"}, None, True),
        ({"Status": "Interrupted"}, None, False),
        ({"Status": "Failure", "Sign-in error code": "50074"}, 50074, False),
        ({"ResultType": "0"}, 0, True),
        ({}, None, None),
    ],
)
def test_status(fields: dict[str, object], code: int | None, success: bool | None) -> None:
    values = _signin(**fields)
    assert (values["status_code"], values["success"]) == (code, success)


@pytest.mark.parametrize(
    ("location", "place"),
    [
        ({"city": "Park Ridge", "countryOrRegion": "US"}, ("US", "Park Ridge")),
        ('{"city":"Tokyo","countryOrRegion":"JP"}', ("JP", "Tokyo")),
        ("Redmond, Washington, US", ("US", "Redmond")),
        ("US", ("US", None)),
        ({"geoCoordinates": {}}, (None, None)),
    ],
)
def test_place(location: object, place: tuple[str | None, str | None]) -> None:
    values = _signin(location=location)
    assert (values["country"], values["city"]) == place


def test_normalised_values() -> None:
    values = _signin(
        userPrincipalName="Avery.Lin@Contoso.com",
        ipAddress="[2001:0db8::0001]:443",
        autonomousSystemNumber=0,
        isInteractive="True",
    )
    assert values["upn"] == "avery.lin@contoso.com"
    assert values["ip"] == "2001:db8::1"
    assert values["asn"] is None  # AS 0: unknown
    assert values["is_interactive"] is True
    assert values["time"] == datetime(2023, 6, 15, 4, 12, 33)


def test_keys_same_record_same_key_distinct_records_apart() -> None:
    graph = _signin(createdDateTime="2023-06-15T04:12:33.1234567Z")
    portal_row = {"Request ID": str(BASE["id"]).upper(), "Date (UTC)": "2023-06-15T04:12:33Z"}
    portal = signin_row(portal_row, raw="{}", fmt="t").values
    assert graph["record_key"] == portal["record_key"]
    later = _signin(createdDateTime="2023-06-15T04:12:34Z")
    assert later["record_key"] != graph["record_key"]  # a placeholder id reused: kept apart
    no_id = {k: v for k, v in BASE.items() if k != "id"}
    first = map_record({**no_id, "appId": "a", "userId": "u1"}, "{}", "t").values
    second = map_record({**no_id, "appId": "a", "userId": "u2"}, "{}", "t").values
    assert first["record_key"] != second["record_key"]


def test_unknown_eventhub_category_is_kept_as_directory_audit() -> None:
    record = {
        "time": "2023-06-15T06:02:11Z",
        "category": "ServicePrincipalRiskEvents",
        "operationName": "Service principal risk detection",
        "properties": {"id": "r1", "riskEventType": "investigationsThreatIntelligence"},
    }
    row = map_record(record, "{}", "t")
    assert row.table == "directory_audits"
    assert row.values["category"] == "ServicePrincipalRiskEvents"
    assert row.values["activity"] == "investigationsThreatIntelligence"


def test_unknown_sentinel_table_is_kept_as_directory_audit() -> None:
    record = {"TimeGenerated": "2023-06-15T06:02:11Z", "Type": "AADRiskyUsers", "Id": "u"}
    row = map_record(record, "{}", "t")
    assert (row.table, row.values["category"]) == ("directory_audits", "AADRiskyUsers")


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ([1, 2], "not a JSON object"),
        ({"hello": "world"}, "not an Entra"),
        ({"category": "SignInLogs", "properties": "text"}, "properties is not an object"),
        (
            {**BASE, "appId": "a", "createdDateTime": "yesterday"},
            "createdDateTime .yesterday. is not",
        ),
        ({"activityDisplayName": "Add user"}, "without a valid activityDateTime"),
        ({"userPrincipalName": "", "jobTitle": "x"}, "without an object id"),
    ],
)
def test_rejected_records_say_why(record: object, reason: str) -> None:
    with pytest.raises(Bad, match=reason):
        map_record(record, "{}", "t")
