"""Sentinel portal "Export to CSV" of ``OfficeActivity``: BOM, ``TimeGenerated [UTC]``,
``6/12/2023, 3:14:15.000 AM`` times, clashing columns suffixed ``_`` (``UserId_``,
``ClientIP_``, ``OrganizationId_``), nested values as JSON text.

The fixture (``fixtures/sentinel-portal-officeactivity.csv``, see ``fixtures/README.md``)
holds our own rows in the column set of the real OTRF row and the table reference; its last
row carries a day-first time, which must be quarantined with its reason.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from tests.ingest.ual.casefile import FIXTURES, assert_balanced, ingest_into

EXPORT = FIXTURES / "sentinel-portal-officeactivity.csv"
ADELE = "adele.vance@fabrikam.example"


def test_portal_export_counts_and_quarantined_time(tmp_path: Path) -> None:
    case = ingest_into(tmp_path, EXPORT)
    [result] = case.files
    assert (result.format, result.records, result.parsed, result.quarantined) == (
        "ual-sentinel-officeactivity-csv",
        5,
        4,
        1,
    )
    assert_balanced(result)
    assert case.rows("SELECT source_line, reason FROM quarantine") == [
        (6, "event time '31/12/2023, 3:00:00.000 PM' is not a date and time")
    ]
    assert case.scalar("SELECT count(*) FROM audit_events WHERE time IS NULL") == 0


def test_portal_export_values(tmp_path: Path) -> None:
    case = ingest_into(tmp_path, EXPORT)
    rows = case.rows(
        "SELECT time, operation, record_type, user_id, client_ip, mailbox_upn FROM audit_events "
        "ORDER BY time"
    )
    assert rows == [
        (datetime(2023, 6, 12, 3, 10), "UserLoggedIn", 15, ADELE, "203.0.113.77", None),
        (datetime(2023, 6, 12, 3, 14, 15), "MailItemsAccessed", 50, ADELE, "203.0.113.77", ADELE),
        # ClientIP empty, ClientIP_ '203.0.113.77:52311': the clashing column, port stripped
        (datetime(2023, 6, 12, 3, 20, 2), "New-InboxRule", 1, ADELE, "203.0.113.77", None),
        # UserId empty, UserId_ set
        (datetime(2023, 6, 12, 3, 22, 45, 512000), "Send", 2, ADELE, "2001:db8:4a1::17", ADELE),
    ]
    agent = case.scalar("SELECT user_agent FROM audit_events WHERE operation = 'UserLoggedIn'")
    assert agent == "python-requests/2.31.0"
    forward = case.scalar(
        "SELECT json_extract_string(parameters, '$.ForwardTo') FROM audit_events "
        "WHERE operation = 'New-InboxRule'"
    )
    assert forward == "archive@relay.example"


def test_portal_export_mail_items(tmp_path: Path) -> None:
    case = ingest_into(tmp_path, EXPORT)
    items = case.rows(
        "SELECT access_type, folder_path, message_id, size_bytes, client_app_id FROM mail_access "
        "ORDER BY size_bytes"
    )
    office = "d3590ed6-52b3-4102-aeff-aad2292ab01c"
    assert items == [
        ("Bind", "Inbox", "<itinerary-2023-06-19@travel.fabrikam.example>", 15603, office),
        (
            "Bind",
            "Inbox",
            "<DM6PR11MB2154A1B2C3@DM6PR11MB2154.namprd11.prod.outlook.example>",
            48211,
            office,
        ),
    ]
