"""Hawk outputs (``Out-MultipleFileType`` writes most as both ``.csv`` and ``.json``): each file
kind read, or quarantined with the reason where Export-Csv lost what it is about, or named
and skipped. Fixtures are our own records in the shapes Hawk's source writes."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from tests.ingest.collectors.casefile import ADELE, FIXTURES, counts, ingest_file
from tests.ingest.ual.casefile import ingest_into

TOOL = "hawk"
USER = f"{ADELE}"
MIA = "699e0b10-1c53-403e-976f-ce0847a92b44"


def test_user_folder_csv_and_json_twins(tmp_path: Path) -> None:
    """The flattened CSV (Folders lost) sorts before its JSON twin: it must not stand in for
    the whole record, so it is quarantined and the JSON's record is stored."""
    folder = FIXTURES / TOOL / USER
    done = ingest_into(
        tmp_path,
        folder / f"MailItemsAccessed_{ADELE}.csv",
        folder / f"MailItemsAccessed_{ADELE}.json",
    )
    assert [counts(f) for f in done.files] == [
        ("ual-flattened-auditdata-csv", 1, 0, 1, 0),
        ("ual-management-json", 1, 1, 0, 0),
    ]
    assert done.scalar("SELECT reason FROM quarantine") == (
        "MailItemsAccessed whose Folders are lost when flattened (System.Object[]): "
        "read its JSON export"
    )
    assert done.scalar("SELECT count(*) FROM mail_access WHERE event_id = ?", MIA) == 2


def test_simple_mailitemsaccessed_json_is_unflattened(tmp_path: Path) -> None:
    done, result = ingest_file(tmp_path, f"{TOOL}/{USER}", f"Simple_MailItemsAccessed_{ADELE}.json")
    assert counts(result) == ("ual-flattened-auditdata-json", 2, 2, 0, 0)
    items = done.rows(
        "SELECT time, folder_path, message_id, size_bytes, aad_session_id, unique_token_id "
        "FROM mail_access ORDER BY time, size_bytes"
    )
    session, token = "0a7c9e21-3b54-4d6f-8e90-a1b2c3d4e5f6", "QmFzZTY0VG9rZW5JZDAx"
    assert items == [
        (
            datetime(2023, 6, 12, 3, 14, 15),
            "Inbox",
            "<itinerary-2023-06-19@travel.fabrikam.example>",
            15603,
            session,
            token,
        ),
        (
            datetime(2023, 6, 12, 3, 14, 15),
            "Inbox",
            "<DM6PR11MB2154A1B2C3@DM6PR11MB2154.namprd11.prod.outlook.example>",
            48211,
            session,
            token,
        ),
        (
            datetime(2023, 6, 12, 3, 16, 40),
            "Inbox/HR",
            "<ssn-form-2023@hr.fabrikam.example>",
            9120,
            session,
            token,
        ),
    ]


def test_simple_admin_log_duplicates_the_raw_export(tmp_path: Path) -> None:
    tenant = FIXTURES / TOOL / "Tenant"
    done = ingest_into(
        tmp_path,
        tenant / "Admin_Inbox_Rules_Creation.csv",
        tenant / "Simple_Admin_Inbox_Rules_Creation.csv",
    )
    raw, simple = done.files
    assert counts(raw) == ("ual-search-unifiedauditlog-csv", 1, 1, 0, 0)
    assert counts(simple) == ("ual-flattened-auditdata-csv", 1, 0, 0, 0)
    assert simple.duplicates == 1


def test_simple_admin_log_alone_keeps_its_parameters(tmp_path: Path) -> None:
    done, result = ingest_file(tmp_path, f"{TOOL}/Tenant", "Simple_Admin_Inbox_Rules_Creation.csv")
    assert counts(result) == ("ual-flattened-auditdata-csv", 1, 1, 0, 0)
    row = done.rows(
        "SELECT time, operation, user_id, client_ip, "
        "json_extract_string(parameters, '$.ForwardTo') FROM audit_events"
    )
    assert row == [
        (
            datetime(2023, 6, 12, 3, 20, 2),
            "New-InboxRule",
            ADELE,
            "203.0.113.77",
            "archive@relay.example",
        )
    ]


def test_graph_sdk_signins_json(tmp_path: Path) -> None:
    done, result = ingest_file(tmp_path, f"{TOOL}/{USER}", f"Entra_Sign_In_Log_{ADELE}.json")
    assert counts(result) == ("entra_graph_sdk_json", 2, 2, 0, 0)
    rows = done.rows(
        "SELECT time, upn, ip, country, status_code, success, resource_id FROM signins "
        "ORDER BY time"
    )
    exo = "00000002-0000-0ff1-ce00-000000000000"
    assert rows == [
        (datetime(2023, 6, 12, 15, 4, 58), ADELE, "203.0.113.77", "NL", 50126, False, exo),
        # Windows PowerShell's /Date(1686582326000)/
        (datetime(2023, 6, 12, 15, 5, 26), ADELE, "203.0.113.77", "NL", 0, True, exo),
    ]


def test_graph_sdk_signins_csv_is_quarantined_with_its_reason(tmp_path: Path) -> None:
    done, result = ingest_file(tmp_path, f"{TOOL}/{USER}", f"Entra_Sign_In_Log_{ADELE}.csv")
    assert counts(result) == ("entra_graph_sdk_csv", 2, 0, 2, 0)
    reason = done.scalar("SELECT reason FROM quarantine WHERE source_line = 2")
    assert isinstance(reason, str)
    assert reason.startswith("Graph PowerShell object flattened by Export-Csv (")
    assert "Location" in reason and "Status" in reason
    assert reason.endswith(": read the JSON export of the same records")


def test_graph_sdk_directory_audit_json(tmp_path: Path) -> None:
    done, result = ingest_file(tmp_path, f"{TOOL}/Tenant", "EntraIDAuditLogs.json")
    assert counts(result) == ("entra_graph_sdk_json", 1, 1, 0, 0)
    assert done.rows(
        "SELECT time, activity, initiated_by_upn, initiated_by_ip, target_names, "
        "modified_properties LIKE '%Mail.ReadWrite%' FROM directory_audits"
    ) == [
        (
            datetime(2023, 6, 12, 2, 54, 40, 310000),
            "Add delegated permission grant",
            ADELE,
            "203.0.113.77",
            "Microsoft Graph",
            True,
        )
    ]


def test_entra_users_csv(tmp_path: Path) -> None:
    done, result = ingest_file(tmp_path, f"{TOOL}/Tenant", "EntraIDUsers.csv")
    assert counts(result) == ("entra_users_csv", 2, 2, 0, 0)
    assert done.scalar("SELECT object_id FROM directory_users WHERE upn = ?", ADELE) == (
        "5c8e1f3a-9b2d-4c7e-8a61-0f2e4d6b8a10"
    )


def test_get_inboxrule_csv(tmp_path: Path) -> None:
    done, result = ingest_file(tmp_path, f"{TOOL}/{USER}", f"InboxRules_{ADELE}.csv")
    assert counts(result) == ("exchange_inbox_rules_csv", 1, 1, 0, 0)
    assert done.rows("SELECT name, forward_to, enabled FROM mail_rules") == [
        (".", "archive@relay.example", True)
    ]


@pytest.mark.parametrize(
    ("folder", "name", "fmt", "records"),
    [
        ("Tenant", "Consent_Grants.csv", "hawk-consent-grants", 1),
        ("Tenant", "SPNCertsAndSecrets.csv", "hawk-credentials", 1),
        ("Tenant", "ExchangeOnlineAdministrators.json", "hawk-exchange-administrators-json", 2),
        ("", "User_ForwardingReport.csv", "hawk-mailbox-forwarding", 1),
    ],
)
def test_unanalysed_outputs_are_named_and_skipped(
    tmp_path: Path, folder: str, name: str, fmt: str, records: int
) -> None:
    done, result = ingest_file(tmp_path, f"{TOOL}/{folder}".rstrip("/"), name)
    assert counts(result) == (fmt, records, 0, 0, records)
    assert done.scalar("SELECT count(*) FROM quarantine") == 0
