"""Sentinel portal "Export to CSV" of the Entra tables: ``TimeGenerated [UTC]`` headers,
``6/12/2023, 3:12:41.000 AM`` times, dynamic columns as JSON text, a UTF-8 BOM.

Fixtures (``fixtures/sentinel-portal-*.csv``, see ``fixtures/README.md``) are our own rows
in the column sets of the Azure Monitor table reference; each file ends with one row whose
time does not parse, which must be quarantined with its reason, never stored undated.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from tests.ingest.ual.casefile import Ingested, assert_balanced, ingest_into

FIXTURES = Path(__file__).parent / "fixtures"
ADELE = "adele.vance@fabrikam.example"


def _ingest(tmp_path: Path, name: str) -> Ingested:
    done = ingest_into(tmp_path / "case", FIXTURES / name)
    [result] = done.files
    assert result.format == "entra_sentinel_csv"
    assert_balanced(result)
    return done


def _counts(done: Ingested) -> tuple[int, int, int]:
    [result] = done.files
    return result.records, result.parsed, result.quarantined


def _reasons(done: Ingested) -> list[tuple[object, ...]]:
    return done.rows("SELECT source_line, reason FROM quarantine ORDER BY source_line")


def test_noninteractive_signins(tmp_path: Path) -> None:
    done = _ingest(tmp_path, "sentinel-portal-noninteractive.csv")
    assert _counts(done) == (3, 2, 1)
    rows = done.rows(
        "SELECT time, kind, upn, ip, country, city, status_code, success, session_id, "
        "unique_token_id, resource_id FROM signins ORDER BY time"
    )
    assert rows[0] == (
        datetime(2023, 6, 12, 3, 12, 41),  # CreatedDateTime, not the later TimeGenerated
        "noninteractive",
        ADELE,
        "203.0.113.77",
        "NL",
        "Amsterdam",
        0,
        True,
        "0a7c9e21-3b54-4d6f-8e90-a1b2c3d4e5f6",
        "QmFzZTY0VG9rZW5JZDAx",
        "00000002-0000-0ff1-ce00-000000000000",
    )
    assert rows[1][1:8] == (
        "noninteractive",
        ADELE,
        "198.51.100.24",
        "US",
        "Washington",
        50173,
        False,
    )
    assert _reasons(done) == [(4, "CreatedDateTime '2023-06-12 25:61' is not a date and time")]


def test_service_principal_signins_are_timed_by_time_generated(tmp_path: Path) -> None:
    done = _ingest(tmp_path, "sentinel-portal-serviceprincipal.csv")
    assert _counts(done) == (3, 2, 1)
    rows = done.rows(
        "SELECT time, kind, upn, app_id, service_principal_name, ip, status_code, success "
        "FROM signins ORDER BY time"
    )
    app = "2e3f4a5b-6c7d-4e8f-9a0b-1c2d3e4f5a6b"
    assert rows == [
        (
            datetime(2023, 6, 12, 2, 58, 31, 402000),
            "service_principal",
            None,
            app,
            "Backup Connector",
            "203.0.113.80",
            0,
            True,
        ),
        (
            datetime(2023, 6, 12, 3, 58, 31, 977000),
            "service_principal",
            None,
            app,
            "Backup Connector",
            "203.0.113.80",
            7000215,
            False,
        ),
    ]
    assert _reasons(done) == [(4, "TimeGenerated 'yesterday 4:00' is not a date and time")]


def test_audit_logs(tmp_path: Path) -> None:
    done = _ingest(tmp_path, "sentinel-portal-auditlogs.csv")
    assert _counts(done) == (3, 2, 1)
    rows = done.rows(
        "SELECT time, activity, category, initiated_by_upn, initiated_by_ip, target_names, "
        "modified_properties LIKE '%Mail.ReadWrite%' FROM directory_audits ORDER BY time"
    )
    assert rows == [
        (
            datetime(2023, 6, 12, 2, 51, 8, 904000),
            "Update application – Certificates and secrets management",
            "ApplicationManagement",
            ADELE,
            "203.0.113.77",
            "Backup Connector",
            False,
        ),
        (
            datetime(2023, 6, 12, 2, 54, 40, 310000),
            "Add delegated permission grant",
            "ApplicationManagement",
            ADELE,
            "203.0.113.77",
            "Microsoft Graph",
            True,
        ),
    ]
    assert _reasons(done) == [(4, "ActivityDateTime '12.06.2023 02:59:00' is not a date and time")]


def test_graph_activity(tmp_path: Path) -> None:
    done = _ingest(tmp_path, "sentinel-portal-graphactivity.csv")
    assert _counts(done) == (3, 2, 1)
    rows = done.rows(
        "SELECT time, ip, app_id, sign_in_activity_id, session_id, token_issued_at, "
        "response_status, roles FROM graph_activity ORDER BY time"
    )
    assert rows[0] == (
        datetime(2023, 6, 12, 3, 14, 2, 341000),
        "203.0.113.77",
        "d3590ed6-52b3-4102-aeff-aad2292ab01c",
        "QmFzZTY0VG9rZW5JZDAx",
        "0a7c9e21-3b54-4d6f-8e90-a1b2c3d4e5f6",
        datetime(2023, 6, 12, 3, 12, 41),
        200,
        None,
    )
    assert rows[1][1:3] == ("203.0.113.80", "2e3f4a5b-6c7d-4e8f-9a0b-1c2d3e4f5a6b")
    assert rows[1][-1] == "User.Read.All Mail.Read"
    assert _reasons(done) == [(4, "Graph activity record without a valid time")]


def test_projection_without_type_column_is_read_by_its_header(tmp_path: Path) -> None:
    done = _ingest(tmp_path, "sentinel-portal-signinlogs-projection.csv")
    assert _counts(done) == (2, 2, 0)
    rows = done.rows(
        "SELECT time, upn, ip, app_name, status_code, success FROM signins ORDER BY time"
    )
    assert rows == [
        (datetime(2023, 6, 12, 15, 4, 58), ADELE, "203.0.113.77", "One Outlook Web", 50126, False),
        (datetime(2023, 6, 12, 15, 5, 26), ADELE, "203.0.113.77", "One Outlook Web", 0, True),
    ]
