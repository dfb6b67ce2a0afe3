"""Shapes no public sample covers, from our own fixtures shaped like the real exports."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import orjson

from mailscope.ingest.base import Bad, Parsed
from mailscope.ingest.readers.ual.keys import RecordKeys
from mailscope.ingest.readers.ual.search_export import search_row_item
from tests.ingest.ual.casefile import FIXTURES, assert_balanced, ingest_into

SYNC = FIXTURES / "management-mailitemsaccessed-sync-throttled.jsonl"
GRAPH = FIXTURES / "graph-auditlog-records.json"
CLASSIC = FIXTURES / "search-unifiedauditlog-classic.csv"
THROTTLED_EVENT = "c4e2a9d1-5f3b-4e7c-a0d8-08db6ba9e3f4"


def test_sync_records_give_one_row_per_folder(tmp_path: Path) -> None:
    case = ingest_into(tmp_path, SYNC)
    [result] = case.files
    assert (result.format, result.records, result.parsed, result.quarantined) == (
        "ual-management-json",
        3,
        3,
        0,
    )
    sync = case.rows(
        "SELECT folder_path, message_id, is_throttled, operation_count, client_app_id, "
        "aad_session_id FROM mail_access WHERE access_type = 'Sync' ORDER BY record_key"
    )
    office = "d3590ed6-52b3-4102-aeff-aad2292ab01c"
    session = "0f6c8e2a-3f4b-4c1e-9d7a-5b2e8c1d4a60"
    assert sync == [
        ("Inbox/Travel", None, False, 1, office, session),
        ("Sent Items", None, False, 2, office, session),
        ("Archive", None, False, 2, office, session),
    ]


def test_throttled_bind_record(tmp_path: Path) -> None:
    case = ingest_into(tmp_path, SYNC)
    bind = case.rows(
        "SELECT record_key, message_id, size_bytes, is_throttled, client_ip, client_info "
        "FROM mail_access WHERE event_id = ? ORDER BY record_key",
        THROTTLED_EVENT,
    )
    key = f"{THROTTLED_EVENT}|mailitemsaccessed"
    rest = ("2001:db8:4a1::17", "Client=REST;Client=RESTSystem;;")
    assert bind == [
        (
            f"{key}#0",
            "<PR3P195MB07911A2B3C4D5E6F7@PR3P195MB0791.EURP195.PROD.OUTLOOK.COM>",
            48211,
            True,
            *rest,
        ),
        (f"{key}#1", "<itinerary-2023-06-19@travel.ministry.example>", 15603, True, *rest),
    ]
    upn = case.scalar("SELECT mailbox_upn FROM audit_events WHERE id = ?", THROTTLED_EVENT)
    assert upn == "alice.moreau@ministry.example"


def test_graph_records_wrapped_in_value(tmp_path: Path) -> None:
    case = ingest_into(tmp_path, GRAPH)
    [result] = case.files
    assert (result.format, result.records, result.parsed, result.quarantined) == (
        "ual-graph-auditlog-records",
        2,
        2,
        0,
    )
    rule = case.rows(
        "SELECT client_ip, user_id, record_type, user_type, time, source_line FROM audit_events "
        "WHERE operation = 'New-InboxRule'"
    )
    assert rule == [
        (
            "198.51.100.77",
            "alice.moreau@ministry.example",
            1,
            0,
            datetime(2023, 6, 13, 1, 40, 12),
            46,
        )
    ]
    assert case.scalar("SELECT count(*) FROM mail_access WHERE is_throttled") == 2


def test_classic_search_unifiedauditlog_csv(tmp_path: Path) -> None:
    case = ingest_into(tmp_path, CLASSIC)
    [result] = case.files
    assert (result.format, result.records, result.parsed, result.quarantined) == (
        "ual-search-unifiedauditlog-csv",
        3,
        3,
        0,
    )
    forward = case.rows(
        "SELECT user_type, client_ip, parameters, source_line FROM audit_events "
        "WHERE operation = 'Set-Mailbox'"
    )[0]
    assert forward[:2] == (2, "198.51.100.77")
    params = orjson.loads(str(forward[2]))
    assert params["ForwardingSmtpAddress"] == "smtp:archive.alice@mailbox.example.net"
    assert forward[3] == 4  # the #TYPE line and the header come first
    login = case.rows(
        "SELECT user_agent, session_id FROM audit_events WHERE operation = 'UserLoggedIn'"
    )
    assert login == [("python-requests/2.31.0", "0f6c8e2a-3f4b-4c1e-9d7a-5b2e8c1d4a60")]


def test_same_record_in_three_shapes_is_stored_once(tmp_path: Path) -> None:
    case = ingest_into(tmp_path, GRAPH, SYNC, CLASSIC)
    for result in case.files:
        assert_balanced(result)
    assert [r.duplicates for r in case.files] == [0, 1, 1]
    assert case.scalar("SELECT count(*) FROM audit_events WHERE id = ?", THROTTLED_EVENT) == 1
    assert case.scalar("SELECT count(*) FROM mail_access WHERE event_id = ?", THROTTLED_EVENT) == 2


def test_reingesting_a_renamed_copy_adds_nothing(tmp_path: Path) -> None:
    copy = tmp_path / "copy.csv"
    shutil.copyfile(CLASSIC, copy)
    copy.write_bytes(copy.read_bytes() + b"\r\n")  # a different hash, the same records
    case = ingest_into(tmp_path / "case", CLASSIC, copy)
    assert [(r.parsed, r.duplicates) for r in case.files] == [(3, 0), (0, 3)]


def test_us_date_column_fills_a_missing_creation_time() -> None:
    row = {
        "CreationDate": "9/26/2023 2:17:32 PM",
        "Operations": "Set-Mailbox",
        "UserIds": "Jane@Example.org",
        "AuditData": '{"Id": "a71e5c3b-9d2f-4b8a-8e6c-08db6bab9f10", "Workload": "Exchange"}',
    }
    item = search_row_item(2, row, RecordKeys(), "ual-search-unifiedauditlog-csv")
    assert isinstance(item, Parsed)
    event = item.rows[0].values
    assert (event["time"], event["operation"], event["user_id"]) == (
        datetime(2023, 9, 26, 14, 17, 32),
        "Set-Mailbox",
        "jane@example.org",
    )


def test_broken_auditdata_cell_is_quarantined_with_the_row() -> None:
    row = {"CreationDate": "9/26/2023 2:17:32 PM", "Operation": "X", "AuditData": '{"Id": "a'}
    item = search_row_item(7, row, RecordKeys(), "ual-purview-csv")
    assert isinstance(item, Bad)
    assert item.line == 7 and "AuditData" in item.reason and "9/26/2023" in item.raw
