"""Google Workspace Reports API activities: both real samples, every record."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import duckdb

from mailscope.ingest.pipeline import ingest
from mailscope.ingest.readers.google.reports_api import ReportsActivityReader, activity_values
from tests.paths import sample

FORMAT = "google_reports_activity"


def _query(case: Path, sql: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(case / "case.duckdb"), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def test_reports_api_sample_every_record(tmp_path: Path) -> None:
    path = sample("google/reports-api-sekoia.jsonl")
    [result] = ingest(tmp_path / "case", [path]).files
    assert (result.format, result.records, result.parsed, result.quarantined) == (
        FORMAT,
        48,
        48,
        0,
    )
    first = _query(
        tmp_path / "case",
        "SELECT id, time, workload, operation, user_id, client_ip, parameters "
        "FROM audit_events WHERE source_line = 1",
    )[0]
    assert first[:6] == (
        "-7203312395540000000:2024-11-07T14:23:22.470Z:context_aware_access",
        datetime(2024, 11, 7, 14, 23, 22, 470000),
        "Google:context_aware_access",
        "MONITOR_MODE_ACCESS_DENY_EVENT",
        "john.doe@test.com",
        "192.0.2.1",
    )
    assert json.loads(str(first[6]))["BLOCKED_API_ACCESS"] == ["GMAIL"]
    # Several events in one activity: names joined in order, IPv6 normalised.
    fourth = _query(
        tmp_path / "case", "SELECT operation, client_ip FROM audit_events WHERE source_line = 4"
    )[0]
    assert str(fourth[0]).startswith("ALLOW_STRONG_AUTHENTICATION,ENFORCE_STRONG_AUTHENTICATION,")
    assert fourth[1] == "fe80:0:333:1111:7777:5555:6666:ddd"


def test_panther_fixture_sample_every_record(tmp_path: Path) -> None:
    path = sample("google/gsuite-fixtures-panther.jsonl")
    wrapped = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    assert len(wrapped) == 157  # the README's count: every line is one fixture
    # Fixtures of different tests repeat the same activity; those are one event.
    distinct = {json.dumps(record["log"], sort_keys=True) for record in wrapped}
    [result] = ingest(tmp_path / "case", [path]).files
    assert (result.format, result.records, result.quarantined) == (FORMAT, 157, 0)
    assert (result.parsed, result.duplicates) == (len(distinct), 157 - len(distinct))
    assert result.parsed == 123
    workloads = dict(
        _query(tmp_path / "case", "SELECT workload, count(*) FROM audit_events GROUP BY 1")
    )
    assert workloads["Google:gmail"] > 0 and workloads["Google:admin"] > 0
    role = _query(
        tmp_path / "case",
        "SELECT time, operation, user_id, client_ip, parameters FROM audit_events "
        "WHERE operation = 'CREATE_ROLE'",
    )
    assert role == [
        (
            datetime(2022, 12, 11, 2, 57, 48, 693000),
            "CREATE_ROLE",
            "example@example.io",
            "12.12.12.12",
            '{"ROLE_ID":"567890","ROLE_NAME":"CustomAdminRoleName"}',
        )
    ]


def test_same_id_different_activity_is_kept_identical_is_duplicate() -> None:
    base = {
        "kind": "admin#reports#activity",
        "id": {"time": "2024-01-01T00:00:00Z", "uniqueQualifier": "1", "applicationName": "login"},
        "actor": {"email": "A@x.example"},
        "events": [{"name": "login_success"}],
    }
    other = {**base, "events": [{"name": "login_failure"}]}
    assert activity_values(base)["record_key"] == activity_values(dict(base))["record_key"]
    assert activity_values(base)["record_key"] != activity_values(other)["record_key"]
    assert activity_values(base)["user_id"] == "a@x.example"


def test_items_page_and_sniff(tmp_path: Path) -> None:
    page = {
        "kind": "admin#reports#activities",
        "items": [
            {
                "kind": "admin#reports#activity",
                "id": {"time": "2024-01-01T00:00:00Z", "applicationName": "gmail"},
                "events": [{"name": "delivery", "parameters": [{"name": "n", "intValue": "3"}]}],
            }
        ],
    }
    path = tmp_path / "page.json"
    path.write_text(json.dumps(page, indent=1), encoding="utf-8")
    [result] = ingest(tmp_path / "case", [path]).files
    assert (result.format, result.records, result.parsed) == (FORMAT, 1, 1)
    assert _query(tmp_path / "case", "SELECT parameters FROM audit_events") == [('{"n":"3"}',)]
    assert not ReportsActivityReader().sniff(b'{"Operation": "MailItemsAccessed"}', "a.json")
