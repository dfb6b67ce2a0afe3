"""Microsoft-Extractor-Suite outputs: each file kind read (or named and skipped), with exact
counts and mapped values. Fixtures are our own records in the columns the suite's
PowerShell writes (``fixtures/README.md`` names the script of each)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from tests.ingest.collectors.casefile import ADELE, counts, ingest_file

TOOL = "extractor-suite"
MEGAN = "megan.bowen@fabrikam.example"


def test_users_csv_is_the_directory(tmp_path: Path) -> None:
    done, result = ingest_file(tmp_path, TOOL, "Users.csv")
    assert counts(result) == ("entra_users_csv", 3, 3, 0, 0)
    rows = done.rows(
        "SELECT upn, object_id, display_name, department, job_title, account_enabled "
        "FROM directory_users ORDER BY upn"
    )
    assert rows[0] == (
        ADELE,  # 'Adele.Vance@…' in the file
        "5c8e1f3a-9b2d-4c7e-8a61-0f2e4d6b8a10",
        "Adele Vance",
        "Indo-Pacific Affairs",
        "Desk Officer",
        True,
    )
    assert rows[2][0] == "svc.backup@fabrikam.example" and rows[2][-1] is False


def test_admin_role_members_are_directory_users(tmp_path: Path) -> None:
    done, result = ingest_file(tmp_path, TOOL, "20230612-Exchange_Administrator.csv")
    assert counts(result) == ("entra_users_csv", 2, 2, 0, 0)
    rows = done.rows("SELECT upn, object_id, department FROM directory_users ORDER BY upn")
    assert rows == [
        ("it.admin@fabrikam.example", "8fb14c6d-2e50-4fa1-9d94-3c5b7a9e1d43", "IT"),
        (MEGAN, "6d9f2a4b-0c3e-4d8f-9b72-1a3f5e7c9b21", "European Affairs"),
    ]


def test_flattened_auditdata_csv(tmp_path: Path) -> None:
    """``Get-UAL -AuditDataOnly -Output CSV``: columns of the first record only; the
    MailItemsAccessed row has no Folders, so which messages were read is unknown."""
    done, result = ingest_file(tmp_path, TOOL, "UAL-20230612000000-20230613000000.csv")
    assert counts(result) == ("ual-flattened-auditdata-csv", 3, 2, 1, 0)
    rows = done.rows("SELECT time, operation, user_id, client_ip FROM audit_events ORDER BY time")
    assert rows == [
        (datetime(2023, 6, 12, 3, 9, 41), "UserLoginFailed", ADELE, "203.0.113.77"),
        (datetime(2023, 6, 12, 3, 10), "UserLoggedIn", ADELE, "203.0.113.77"),
    ]
    assert done.rows("SELECT source_line, reason FROM quarantine") == [
        (4, "MailItemsAccessed whose Folders are not in this export: read its JSON export")
    ]


def test_triage_csv_reads_auditdata_raw(tmp_path: Path) -> None:
    done, result = ingest_file(tmp_path, TOOL, "UAL-Operations-Combined.csv")
    assert counts(result) == ("ual-extractor-suite-triage-csv", 2, 2, 0, 0)
    rule = done.rows(
        "SELECT time, user_id, client_ip, json_extract_string(parameters, '$.ForwardTo') "
        "FROM audit_events WHERE operation = 'New-InboxRule'"
    )
    assert rule == [
        (datetime(2023, 6, 12, 3, 20, 2), ADELE, "203.0.113.77", "archive@relay.example")
    ]
    assert done.scalar("SELECT count(*) FROM mail_access") == 2


def test_graph_audit_csv(tmp_path: Path) -> None:
    """``Get-UALGraph -Output CSV``: auditLogRecord columns, ``auditData`` as JSON text."""
    done, result = ingest_file(tmp_path, TOOL, "20230613-fabrikam-UnifiedAuditLog.csv")
    assert counts(result) == ("ual-graph-auditlog-csv", 2, 2, 0, 0)
    rows = done.rows(
        "SELECT time, operation, record_type, user_id, client_ip FROM audit_events ORDER BY time"
    )
    assert rows == [
        (datetime(2023, 6, 12, 3, 14, 15), "MailItemsAccessed", 50, ADELE, "203.0.113.77"),
        (datetime(2023, 6, 12, 3, 20, 2), "New-InboxRule", 1, ADELE, "203.0.113.77"),
    ]
    items = done.rows("SELECT message_id FROM mail_access ORDER BY size_bytes")
    assert items == [
        ("<itinerary-2023-06-19@travel.fabrikam.example>",),
        ("<DM6PR11MB2154A1B2C3@DM6PR11MB2154.namprd11.prod.outlook.example>",),
    ]


def test_legacy_mailbox_audit_log(tmp_path: Path) -> None:
    name = "202306120930-mailboxAuditLog-adele.vance@fabrikam.example.csv"
    done, result = ingest_file(tmp_path, TOOL, name)
    assert counts(result) == ("ual-mailbox-auditlog-csv", 2, 2, 0, 0)
    rows = done.rows(
        "SELECT time, operation, user_id, mailbox_upn, logon_type, client_ip FROM audit_events "
        "ORDER BY time"
    )
    assert rows == [
        (datetime(2023, 6, 12, 3, 30, 12), "HardDelete", ADELE, ADELE, 0, "203.0.113.77"),
        (datetime(2023, 6, 12, 9, 41, 7), "FolderBind", "megan bowen", ADELE, 2, "198.51.100.24"),
    ]


def test_graph_inbox_rules_csv(tmp_path: Path) -> None:
    done, result = ingest_file(tmp_path, TOOL, "InboxRules.csv")
    assert counts(result) == ("exchange_inbox_rules_csv", 2, 2, 0, 0)
    rows = done.rows("SELECT mailbox_upn, name, forward_to, enabled FROM mail_rules ORDER BY name")
    assert rows == [
        (ADELE, ".", "archive@relay.example", True),
        (MEGAN, "Newsletters", None, True),
    ]


def test_message_trace_v2_csv(tmp_path: Path) -> None:
    done, result = ingest_file(tmp_path, TOOL, "adele.vance@fabrikam.example-MTL.csv")
    assert counts(result) == ("exchange_message_trace_csv", 2, 2, 0, 0)
    rows = done.rows("SELECT time, sender, recipient, to_ip FROM message_trace ORDER BY time")
    assert rows[1] == (
        datetime(2023, 6, 12, 3, 22, 46),
        ADELE,
        "archive@relay.example",
        "192.0.2.25",
    )


def test_risk_detections_and_risky_users(tmp_path: Path) -> None:
    done, result = ingest_file(tmp_path, TOOL, "RiskyDetections.csv")
    assert counts(result) == ("entra_risk_csv", 1, 1, 0, 0)
    assert done.rows(
        "SELECT time, category, activity, initiated_by_upn, initiated_by_ip FROM directory_audits"
    ) == [
        (
            datetime(2023, 6, 12, 3, 12, 41),
            "RiskDetection",
            "unfamiliarFeatures",
            ADELE,
            "203.0.113.77",
        )
    ]
    done, result = ingest_file(tmp_path / "users", TOOL, "RiskyUsers.csv")
    assert counts(result) == ("entra_risk_csv", 1, 1, 0, 0)
    assert done.rows("SELECT category, result, initiated_by_upn FROM directory_audits") == [
        ("RiskyUser", "atRisk", ADELE)
    ]


@pytest.mark.parametrize(
    ("name", "fmt", "records", "what"),
    [
        (
            "MFA-AuthenticationMethods.csv",
            "extractor-suite-mfa-status",
            2,
            "per-user MFA methods (Microsoft-Extractor-Suite Get-MFA)",
        ),
        (
            "MailboxPermissions.csv",
            "extractor-suite-mailbox-permissions",
            1,
            "mailbox permission snapshot (Microsoft-Extractor-Suite Get-MailboxPermissions; "
            "grants are read from the audit log)",
        ),
        (
            "Sessions-203.0.113.77.csv",
            "extractor-suite-mailitemsaccessed-sessions",
            1,
            "MailItemsAccessed sessions summary without record ids (Microsoft-Extractor-Suite "
            "Get-Sessions; ingest the audit log it was made from)",
        ),
    ],
)
def test_unanalysed_outputs_are_named_and_skipped(
    tmp_path: Path, name: str, fmt: str, records: int, what: str
) -> None:
    done, result = ingest_file(tmp_path, TOOL, name)
    assert counts(result) == (fmt, records, 0, 0, records)
    assert result.skipped_reasons == {what: records}
    assert done.scalar("SELECT count(*) FROM quarantine") == 0
