"""Defender XDR advanced-hunting rows: which tables are stored, which skipped, and the
Streaming API (Event Hub) envelope."""

from __future__ import annotations

from pathlib import Path

import orjson

from tests.ingest.ual.casefile import FIXTURES, assert_balanced, ingest_into

STREAMED = FIXTURES / "defender-streaming-eventhub.json"
STREAMED_SKIPPED = {
    "Defender DeviceProcessEvents (endpoint telemetry)": 1,
    "Defender IdentityLogonEvents (Defender for Identity logons)": 1,
}


def _rows(path: Path, *rows: object) -> Path:
    path.write_bytes(b"".join(orjson.dumps(row) + b"\n" for row in rows))
    return path


def test_event_hub_batch_maps_cloud_app_events_and_skips_the_rest(tmp_path: Path) -> None:
    case = ingest_into(tmp_path, STREAMED)
    [result] = case.files
    assert (result.format, result.records, result.parsed) == ("ual-defender-advanced-hunting", 4, 2)
    assert (result.quarantined, result.duplicates, result.skipped) == (0, 0, 2)
    assert result.skipped_reasons == STREAMED_SKIPPED
    assert_balanced(result)
    assert case.rows("SELECT workload, operation FROM audit_events ORDER BY time") == [
        ("Exchange", "MailItemsAccessed"),
        ("Exchange", "New-InboxRule"),
    ]
    assert case.rows("SELECT mailbox_upn, access_type, message_id, client_ip FROM mail_access") == [
        (
            "ben.okafor@ministry.example",
            "Bind",
            "<AM9P195MB1A2B3C4D@AM9P195MB.EURP195.PROD.OUTLOOK.COM>",
            "198.51.100.77",
        )
    ]


def test_event_hub_capture_with_one_batch_per_line(tmp_path: Path) -> None:
    records = orjson.loads(STREAMED.read_bytes())["records"]
    capture = _rows(tmp_path / "capture.json", {"records": records[:2]}, {"records": records[2:]})
    [result] = ingest_into(tmp_path / "case", capture).files
    assert (result.records, result.parsed, result.quarantined, result.skipped) == (4, 2, 0, 2)
    assert result.skipped_reasons == STREAMED_SKIPPED


def test_streamed_record_whose_properties_is_no_object_is_quarantined(tmp_path: Path) -> None:
    records = orjson.loads(STREAMED.read_bytes())["records"]
    broken = {**records[0], "properties": "not a row"}
    foreign = {"time": "2023-06-14T01:00:00Z", "category": "SignInLogs", "properties": {}}
    path = _rows(tmp_path / "mixed.jsonl", records[0], broken, foreign)
    case = ingest_into(tmp_path / "case", path)
    [result] = case.files
    assert (result.records, result.parsed, result.quarantined, result.skipped) == (3, 1, 2, 0)
    reasons = [reason for (reason,) in case.rows("SELECT reason FROM quarantine ORDER BY 1")]
    assert reasons == [
        "Event Hub record of category 'SignInLogs' is not a Defender advanced-hunting row",
        "Streaming API AdvancedHunting-CloudAppEvents record whose properties is not an object",
    ]


def test_table_named_in_the_row_decides(tmp_path: Path) -> None:
    base = {"Timestamp": "2023-06-14T01:00:00Z", "ActionType": "X", "AccountUpn": "a@x.example"}
    path = _rows(
        tmp_path / "named.jsonl",
        {**base, "Type": "AlertEvidence", "AlertId": "da1"},
        {**base, "Type": "EmailEvents", "NetworkMessageId": "n1"},
        {**base, "Type": "FutureEvents"},
        {**base, "Type": "CloudAppEvents", "ActionType": "FileDownloaded"},
    )
    case = ingest_into(tmp_path / "case", path)
    [result] = case.files
    assert (result.records, result.parsed, result.skipped, result.quarantined) == (4, 1, 3, 0)
    assert result.skipped_reasons == {
        "Defender AlertEvidence (Defender alerts)": 1,
        "Defender EmailEvents (Defender for Office 365 mail flow)": 1,
        "Defender FutureEvents (advanced-hunting table mailscope does not analyse)": 1,
    }
    # A CloudAppEvents row without its raw UAL record is still stored, by ActionType.
    assert case.rows("SELECT workload, operation, user_id FROM audit_events") == [
        ("CloudAppEvents", "FileDownloaded", "a@x.example")
    ]


def test_row_of_untold_table_is_kept_as_before(tmp_path: Path) -> None:
    """A projection with no table name and no telltale columns may be CloudAppEvents: kept."""
    row = {
        "Timestamp": "2023-06-14T01:00:00Z",
        "ActionType": "FileDownloaded",
        "IPAddress": "1.2.3.4",
    }
    case = ingest_into(tmp_path / "case", _rows(tmp_path / "projected.jsonl", row))
    [result] = case.files
    assert (result.parsed, result.skipped) == (1, 0)
    assert case.rows("SELECT workload, client_ip FROM audit_events") == [
        ("AdvancedHunting", "1.2.3.4")
    ]


def test_device_row_with_raw_ual_record_is_not_skipped(tmp_path: Path) -> None:
    """What decides is the UAL record in RawEventData, not a column that looks like a device."""
    raw = {"Id": "7d1f", "Operation": "FileAccessed", "CreationTime": "2023-06-14T01:00:00"}
    row = {
        "Timestamp": "2023-06-14T01:00:00Z",
        "ActionType": "FileAccessed",
        "DeviceId": "abc",
        "InitiatingProcessFileName": "x.exe",
        "RawEventData": raw,
    }
    [result] = ingest_into(tmp_path / "case", _rows(tmp_path / "r.jsonl", row)).files
    assert (result.parsed, result.skipped) == (1, 0)
