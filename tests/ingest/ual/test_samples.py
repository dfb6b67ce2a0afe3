"""Every real UAL-family sample through the real ingest pipeline: exact counts and values."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from tests.ingest.ual.casefile import assert_balanced, ingest_into
from tests.paths import sample

GRAPH_APP = "00000003-0000-0000-c000-000000000000"


def test_purview_csv_counts_and_ip_port_stripping(tmp_path: Path) -> None:
    case = ingest_into(tmp_path, sample("ual/purview-export-huntress2023.csv"))
    [result] = case.files
    assert (result.format, result.records, result.parsed) == ("ual-purview-csv", 219, 219)
    assert (result.quarantined, result.duplicates) == (0, 0)
    rules = case.rows(
        "SELECT client_ip, count(*) FROM audit_events WHERE operation = 'New-InboxRule' GROUP BY 1"
    )
    assert rules == [("185.73.124.135", 38)]
    assert case.scalar("SELECT count(*) FROM audit_events WHERE client_ip LIKE '%.%:%'") == 0


def test_purview_csv_field_values(tmp_path: Path) -> None:
    case = ingest_into(tmp_path, sample("ual/purview-export-huntress2023.csv"))
    first, last = case.rows("SELECT min(time), max(time) FROM audit_events")[0]
    assert (first, last) == (datetime(2023, 9, 20, 4, 5, 3), datetime(2023, 9, 26, 2, 17, 32))
    rule = case.rows(
        "SELECT unique_token_id, token_issued_at, session_id, app_id, user_id, parameters "
        "FROM audit_events WHERE id = '85d29e27-be28-4f2c-96c8-08dbbe33c473'"
    )[0]
    assert rule[:5] == (
        "3kVZRE8tFkinHtPA7_EFAA",
        datetime(2023, 9, 26, 1, 47, 34),
        "9dfdecb6-59a0-4714-846e-86c0fc911104",
        "00000002-0000-0ff1-ce00-000000000000",
        "debrab@m365b132131.onmicrosoft.com",
    )
    assert '"MoveToFolder":"Conversation History"' in str(rule[5])
    login = case.rows(
        "SELECT user_agent, session_id, app_id FROM audit_events "
        "WHERE id = 'bc91a9cb-cf2b-4058-866a-fb9751200500'"
    )[0]
    assert login[0] is not None and "Firefox/114.0" in str(login[0])
    assert login[1:] == (
        "9dfdecb6-59a0-4714-846e-86c0fc911104",
        "ee272b19-4411-433f-8f28-5c13cb6fd407",
    )


def test_management_api_counts_and_duplicates(tmp_path: Path) -> None:
    case = ingest_into(tmp_path, sample("ual/management-api-sekoia.jsonl"))
    [result] = case.files
    # 3 duplicates by record Id: 60eaf0aa… twice (one copy has more Entities) and
    # 79971dfe… three times (SoftDelete variants of one record).
    assert (result.records, result.parsed, result.quarantined, result.duplicates) == (73, 70, 0, 3)
    assert_balanced(result)
    assert case.scalar("SELECT count(*) FROM audit_events WHERE id = 'ANONYMIZED'") == 12
    reused = case.rows(
        "SELECT operation FROM audit_events "
        "WHERE id = '5f24aa82-f874-44d1-b6df-857cd9e1decf' ORDER BY operation"
    )
    assert reused == [("SoftDelete",), ("Update",), ("UserLoggedIn",)]
    assert (
        case.scalar("SELECT count(*) FROM audit_events WHERE operation = 'UpdateInboxRules'") == 3
    )
    assert case.scalar("SELECT count(*) FROM audit_events WHERE client_ip = 'fe80::'") >= 1  # type: ignore[operator]


def test_management_api_mail_items_accessed(tmp_path: Path) -> None:
    case = ingest_into(tmp_path, sample("ual/management-api-sekoia.jsonl"))
    assert case.scalar("SELECT count(*) FROM audit_events WHERE record_type = 50") == 3
    bind = case.rows(
        "SELECT message_id, size_bytes, folder_path, access_type, is_throttled, operation_count "
        "FROM mail_access WHERE event_id = '461a38ce-fc36-4a4d-b73e-643262cc063f' "
        "ORDER BY record_key"
    )
    domain = "AM0PR07MB5763.eurprd07.prod.outlook.com"
    assert bind == [
        (f"<AM0PR07MB576312B164491AF0F9214C738DF6A@{domain}>", 3476, "Drafts", "Bind", False, 3),
        (f"<AM0PR07MB5763A95F7E4A5BA512692F698DF6A@{domain}>", 4871, "Drafts", "Bind", False, 3),
        (f"<AM0PR07MB57633CFE8EE2ACB8CEF184AC8DF6A@{domain}>", 4873, "Drafts", "Bind", False, 3),
    ]
    token = case.rows(
        "SELECT message_id, size_bytes, unique_token_id, token_issued_at FROM mail_access "
        "WHERE unique_token_id IS NOT NULL"
    )
    assert token == [
        (
            "<abcdef@mail.example.com>",
            123456,
            "AAAAAAAAAAAAAAAAAAAAAA",
            datetime(2025, 10, 26, 13, 12, 18),
        )
    ]
    assert case.scalar("SELECT count(*) FROM mail_access") == 6


def test_sentinel_otrf_row(tmp_path: Path) -> None:
    case = ingest_into(tmp_path, sample("ual/sentinel-officeactivity-otrf.json"))
    [result] = case.files
    assert (result.format, result.records, result.parsed, result.quarantined) == (
        "ual-sentinel-officeactivity-json",
        1,
        1,
        0,
    )
    event = case.rows(
        "SELECT app_id, client_app_id, client_ip, record_type, user_type, logon_type, "
        "workload, time, mailbox_upn FROM audit_events"
    )[0]
    assert event == (
        GRAPH_APP,
        "5a95e683-08ad-424e-a441-1d1aec52c02c",
        "1.2.3.4",
        50,
        0,
        0,
        "Exchange",
        datetime(2021, 8, 2, 13, 32, 7),
        "pgustavo@simulandlabs.com",
    )
    access = case.rows("SELECT DISTINCT folder_path, access_type, app_id FROM mail_access")
    assert access == [("Inbox", "Bind", GRAPH_APP)]
    assert case.scalar("SELECT count(*) FROM mail_access") == 7
    assert case.scalar("SELECT count(DISTINCT message_id) FROM mail_access") == 6


def test_sentinel_msticpy_projection(tmp_path: Path) -> None:
    case = ingest_into(tmp_path, sample("ual/sentinel-officeactivity-msticpy-demo.csv"))
    [result] = case.files
    # 26 rows repeat another row exactly; without a record id they are kept as the
    # distinct records they may be (keys carry an occurrence number).
    assert (result.format, result.records, result.parsed) == (
        "ual-sentinel-officeactivity-csv",
        1334,
        1334,
    )
    assert (result.quarantined, result.duplicates) == (0, 0)
    grants = case.rows(
        "SELECT parameters FROM audit_events WHERE operation = 'Add-MailboxPermission'"
    )
    assert len(grants) == 5
    assert all('"AccessRights":"FullAccess"' in str(p) for (p,) in grants)
    ip = "SELECT count(*) FROM audit_events WHERE client_ip = '2603:1036:302:4091::5'"
    assert case.scalar(ip) >= 1  # type: ignore[operator]
    assert case.scalar("SELECT count(*) FROM audit_events WHERE client_ip LIKE '[%'") == 0


# The OTRF Golden SAML lab's Defender XDR export: 5 DeviceEvents LDAP searches and 2
# IdentityDirectoryEvents replications (skipped, named) and 2 CloudAppEvents (stored).
DEFENDER_SKIPPED = {
    "Defender DeviceEvents (endpoint telemetry)": 5,
    "Defender IdentityDirectoryEvents (on-premises Active Directory events)": 2,
}


def test_defender_advanced_hunting(tmp_path: Path) -> None:
    case = ingest_into(tmp_path, sample("defender/m365d-advanced-hunting-otrf.jsonl"))
    [result] = case.files
    assert (result.format, result.records, result.parsed) == ("ual-defender-advanced-hunting", 9, 2)
    assert (result.quarantined, result.duplicates, result.skipped) == (0, 0, 7)
    assert result.skipped_reasons == DEFENDER_SKIPPED
    assert_balanced(result)
    workloads = case.rows(
        "SELECT workload, operation, count(*) FROM audit_events GROUP BY 1, 2 ORDER BY 1, 2"
    )
    assert workloads == [
        ("CloudAppEvents", "Add delegated permission grant.", 1),
        ("Exchange", "MailItemsAccessed", 1),
    ]
    assert case.scalar("SELECT count(*) FROM quarantine") == 0
    assert case.rows("SELECT skipped, skipped_reasons FROM evidence") == [
        (
            7,
            '{"Defender DeviceEvents (endpoint telemetry)":5,'
            '"Defender IdentityDirectoryEvents (on-premises Active Directory events)":2}',
        )
    ]
    mail = case.rows(
        "SELECT id, app_id, client_app_id, client_ip, record_type FROM audit_events "
        "WHERE operation = 'MailItemsAccessed'"
    )
    assert mail == [
        (
            "699e0b10-1c53-403e-976f-ce0847a92b44",
            GRAPH_APP,
            "5a95e683-08ad-424e-a441-1d1aec52c02c",
            "1.2.3.4",
            50,
        )
    ]
    # PowerShell flattened the FolderItems to "System.Object[]": no message ids to flatten.
    assert case.scalar("SELECT count(*) FROM mail_access") == 0


def test_same_record_in_defender_and_sentinel_is_one_record(tmp_path: Path) -> None:
    case = ingest_into(
        tmp_path,
        sample("ual/sentinel-officeactivity-otrf.json"),
        sample("defender/m365d-advanced-hunting-otrf.jsonl"),
    )
    sentinel, defender = case.files
    assert (sentinel.parsed, defender.parsed, defender.duplicates) == (1, 1, 1)
    assert (defender.skipped, defender.quarantined) == (7, 0)
    assert (
        case.scalar("SELECT count(*) FROM audit_events WHERE operation = 'MailItemsAccessed'") == 1
    )


def test_golden_saml_lab_defender_zip(tmp_path: Path) -> None:
    case = ingest_into(tmp_path, sample("labs/otrf-goldensaml/Microsoft365DefenderEvents.Zip"))
    [result] = case.files
    assert result.path.endswith(".Zip!Microsoft365DefenderEvents.json")
    assert (result.format, result.records, result.parsed) == ("ual-defender-advanced-hunting", 9, 2)
    assert (result.quarantined, result.duplicates, result.skipped) == (0, 0, 7)
    assert result.skipped_reasons == DEFENDER_SKIPPED
    assert case.scalar("SELECT count(*) FROM audit_events WHERE workload LIKE '%Device%'") == 0


def test_golden_saml_lab_windows_events_are_named_and_skipped(tmp_path: Path) -> None:
    """The lab's Log Analytics SecurityEvent/Event rows (AD FS host) are recognised as
    on-premises Windows events: every row skipped and counted, none stored, none
    quarantined as an unknown file."""
    case = ingest_into(tmp_path, sample("labs/otrf-goldensaml/WindowsEvents.Zip"))
    [result] = case.files
    assert (result.format, result.records, result.parsed) == (
        "log-analytics-windows-events",
        38,
        0,
    )
    assert (result.quarantined, result.duplicates, result.skipped) == (0, 0, 38)
    assert case.scalar("SELECT count(*) FROM audit_events") == 0
