"""Untitled Goose Tool outputs (JSON lines of Graph, UAL and Exchange objects): each file
kind read, or named and skipped; Graph ``application`` objects, which carry
``createdDateTime`` and ``appId`` like a sign-in, are never read as sign-ins."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from tests.ingest.collectors.casefile import ADELE, counts, ingest_file

TOOL = "goose"


def test_service_principal_signins(tmp_path: Path) -> None:
    done, result = ingest_file(tmp_path, f"{TOOL}/azuread/sp", "sp_signin_log_2023-06-12.json")
    assert counts(result) == ("entra_graph_json", 2, 2, 0, 0)
    rows = done.rows(
        "SELECT time, kind, service_principal_name, ip, status_code, success, unique_token_id "
        "FROM signins ORDER BY time"
    )
    assert rows == [
        (
            datetime(2023, 6, 12, 2, 58, 31),
            "service_principal",
            "Backup Connector",
            "203.0.113.80",
            0,
            True,
            "U1BUb2tlbklkMD1",
        ),
        (
            datetime(2023, 6, 12, 3, 58, 31),
            "service_principal",
            "Backup Connector",
            "203.0.113.80",
            7000215,
            False,
            "U1BUb2tlbklkMD2",
        ),
    ]


def test_directory_audits(tmp_path: Path) -> None:
    done, result = ingest_file(
        tmp_path, f"{TOOL}/azuread/azure_audit_logs", "azureadauditlog_2023-06-12.json"
    )
    assert counts(result) == ("entra_graph_json", 1, 1, 0, 0)
    assert done.rows("SELECT time, initiated_by_upn, target_names FROM directory_audits") == [
        (datetime(2023, 6, 12, 2, 51, 8, 904000), ADELE, "Backup Connector")
    ]


def test_users(tmp_path: Path) -> None:
    done, result = ingest_file(tmp_path, f"{TOOL}/azuread", "users.json")
    assert counts(result) == ("entra_graph_json", 2, 2, 0, 0)
    assert done.rows("SELECT upn, department FROM directory_users ORDER BY upn") == [
        (ADELE, "Indo-Pacific Affairs"),
        ("megan.bowen@fabrikam.example", "European Affairs"),
    ]


def test_unified_audit_log(tmp_path: Path) -> None:
    done, result = ingest_file(tmp_path, f"{TOOL}/m365", "ual_2023-06-12_2023-06-13.json")
    assert counts(result) == ("ual-management-json", 2, 2, 0, 0)
    assert done.rows("SELECT time, operation, client_ip FROM audit_events ORDER BY time") == [
        (datetime(2023, 6, 12, 3, 10), "UserLoggedIn", "203.0.113.77"),
        (datetime(2023, 6, 12, 3, 14, 15), "MailItemsAccessed", "203.0.113.77"),
    ]
    assert done.scalar("SELECT count(*) FROM mail_access") == 2


def test_graph_inbox_rules_per_mailbox_line(tmp_path: Path) -> None:
    done, result = ingest_file(tmp_path, f"{TOOL}/m365", "EXO_InboxRules_Graph.json")
    assert counts(result) == ("exchange_inbox_rules_goose_json", 2, 2, 0, 0)
    rows = done.rows("SELECT mailbox_upn, name, forward_to, enabled FROM mail_rules ORDER BY name")
    assert rows == [
        (ADELE, ".", "archive@relay.example", True),
        (ADELE, "Newsletters", None, True),
    ]


@pytest.mark.parametrize(
    ("name", "fmt", "records"),
    [
        ("applications.json", "goose-graph-applications", 2),
        ("servicePrincipals.json", "goose-graph-service-principals", 1),
        ("conditionalAccess_policies.json", "goose-graph-conditional-access", 1),
    ],
)
def test_graph_objects_are_named_and_skipped(
    tmp_path: Path, name: str, fmt: str, records: int
) -> None:
    done, result = ingest_file(tmp_path, f"{TOOL}/azuread", name)
    assert counts(result) == (fmt, records, 0, 0, records)
    assert done.scalar("SELECT count(*) FROM signins") == 0


def test_exchange_snapshot_is_named_and_skipped(tmp_path: Path) -> None:
    _, result = ingest_file(tmp_path, f"{TOOL}/m365", "EXO_MailboxForwarding.json")
    assert counts(result) == ("goose-exo-mailbox-forwarding", 1, 0, 0, 1)
