"""The Entra readers on hand-made fixtures for the shapes no public sample covers: portal
sign-in CSV and JSON downloads, Sentinel CSV with typed columns, Event Hub batches, Sentinel
Graph activity rows, Graph users JSON and both "Download users" CSV spellings."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from tests.ingest.ual.casefile import Ingested, assert_balanced, ingest_into

FIXTURES = Path(__file__).parent / "fixtures"


def _ingest(tmp_path: Path, *paths: Path) -> Ingested:
    done = ingest_into(tmp_path / "case", *paths)
    for result in done.files:
        assert result.quarantined == 0, result
        assert_balanced(result)
    return done


def _fixture(tmp_path: Path, name: str, fmt: str) -> Ingested:
    done = _ingest(tmp_path, FIXTURES / name)
    assert [f.format for f in done.files] == [fmt]
    return done


def test_portal_interactive_csv(tmp_path: Path) -> None:
    done = _fixture(tmp_path, "portal-signins-interactive.csv", "entra_portal_signins_csv")
    rows = done.rows(
        "SELECT kind, upn, ip, country, city, asn, status_code, success, session_id, "
        "unique_token_id, client_app, app_id, resource_id FROM signins ORDER BY time"
    )
    assert [r[0] for r in rows] == ["interactive"] * 3
    assert rows[0][1:9] == (
        "avery.lin@contoso.onmicrosoft.com",  # 'Avery.Lin@…' in the file: lower-cased
        "203.0.113.24",
        "US",
        "Washington",
        3356,
        0,
        True,
        "0a7c9e21-3b54-4d6f-8e90-a1b2c3d4e5f6",
    )
    assert rows[0][9:] == (
        "kX3pQ9rTzE2w8mN4bV6cAA",
        "Browser",
        "9199bf20-a13f-4107-85dc-02114787ef48",
        "00000002-0000-0ff1-ce00-000000000000",
    )
    assert rows[1][2:8] == ("2001:db8:4a7f::51", "JP", "Tokyo", 2516, 50126, False)
    assert rows[1][8:10] == (None, None)
    assert rows[2][6:8] == (50074, False)  # 'Interrupted' is not a success


def test_portal_serviceprincipal_csv(tmp_path: Path) -> None:
    done = _fixture(tmp_path, "portal-signins-serviceprincipal.csv", "entra_portal_signins_csv")
    rows = done.rows(
        "SELECT kind, service_principal_name, upn, user_id, ip, city, asn FROM signins "
        "ORDER BY time"
    )
    assert rows == [
        ("service_principal", "Mail Archiver", None, None, "192.0.2.44", "Columbus", 16509),
        ("managed_identity", "vm-collector-01", None, None, None, None, None),
    ]


def test_portal_json_download(tmp_path: Path) -> None:
    done = _fixture(tmp_path, "portal-signins.json", "entra_graph_json")
    rows = done.rows("SELECT kind, is_interactive, resource_name FROM signins ORDER BY time")
    assert rows == [
        ("interactive", True, "Office 365 Exchange Online"),
        ("noninteractive", False, "Microsoft Graph"),
    ]


def test_sentinel_csv_typed_columns(tmp_path: Path) -> None:
    done = _fixture(tmp_path, "sentinel-signinlogs.csv", "entra_sentinel_csv")
    rows = done.rows(
        "SELECT time, kind, country, city, status_code, success, is_interactive, resource_id "
        "FROM signins ORDER BY time"
    )
    assert rows == [
        (
            datetime(2023, 6, 15, 4, 12, 33),
            "interactive",
            "US",
            "Washington",
            0,
            True,
            True,
            "00000002-0000-0ff1-ce00-000000000000",
        ),
        (
            datetime(2023, 6, 15, 4, 20, 15),
            "noninteractive",
            "US",
            "Washington",
            0,
            True,
            False,
            "00000003-0000-0000-c000-000000000000",
        ),
        # Status_string / LocationDetails_string hold this row's values.
        (
            datetime(2023, 6, 15, 4, 31, 2),
            "interactive",
            "JP",
            "Tokyo",
            50126,
            False,
            True,
            "00000002-0000-0ff1-ce00-000000000000",
        ),
    ]


def test_eventhub_records_batch(tmp_path: Path) -> None:
    done = _fixture(tmp_path, "eventhub-records-batch.json", "entra_eventhub_json")
    assert done.files[0].records == 5
    kinds = done.rows("SELECT kind FROM signins ORDER BY time")
    assert kinds == [("interactive",), ("managed_identity",)]
    other = done.rows(
        "SELECT category, activity, result, initiated_by_upn FROM directory_audits ORDER BY time"
    )
    assert other == [
        ("RiskyUsers", "Risky user", "atRisk", "avery.lin@contoso.onmicrosoft.com"),
        ("ProvisioningLogs", "Provisioning activity", "Success", None),
    ]
    graph = done.rows(
        "SELECT app_id, service_principal_id, roles, token_issued_at, ip FROM graph_activity"
    )
    assert graph == [
        (
            "0930ea9f-98e8-46f5-9123-b16358290e70",
            "45d0cf74-062d-46a3-b00e-7841f50f10eb",
            "Mail.Read",
            datetime(2023, 6, 15, 4, 30, 1),
            "198.51.100.99",
        )
    ]


def test_eventhub_batches_one_per_line(tmp_path: Path) -> None:
    done = _fixture(tmp_path, "eventhub-records-batches.jsonl", "entra_eventhub_json")
    assert done.files[0].records == 3
    lines = done.rows(
        "SELECT source_line FROM signins UNION ALL SELECT source_line FROM graph_activity "
        "UNION ALL SELECT source_line FROM directory_audits ORDER BY 1"
    )
    assert lines == [(1,), (1,), (2,)]


def test_sentinel_graph_activity_rows(tmp_path: Path) -> None:
    done = _fixture(tmp_path, "sentinel-graphactivity.json", "entra_sentinel_json")
    rows = done.rows(
        "SELECT ip, session_id, sign_in_activity_id, token_issued_at, method, request_uri, "
        "response_status, user_id FROM graph_activity ORDER BY time"
    )
    assert rows[0] == (
        "203.0.113.24",
        "0a7c9e21-3b54-4d6f-8e90-a1b2c3d4e5f6",
        "kX3pQ9rTzE2w8mN4bV6cAA",
        datetime(2023, 6, 15, 4, 7, 33),
        "GET",
        "https://graph.microsoft.com/v1.0/me/messages?$select=subject,from&$top=25",
        200,
        "5c8e1f3a-9b2d-4c7e-8a61-0f2e4d6b8a10",
    )
    assert rows[1][:3] == ("198.51.100.99", None, "Uk9ndWVUb2tlbklkMDAwMA")


def test_graph_users_json(tmp_path: Path) -> None:
    done = _fixture(tmp_path, "graph-users.json", "entra_graph_json")
    rows = done.rows(
        "SELECT upn, department, job_title, office_location, mail, account_enabled, user_type "
        "FROM directory_users ORDER BY upn"
    )
    assert rows[0] == (
        "avery.lin@contoso.onmicrosoft.com",
        "East Asian and Pacific Affairs",
        "Desk Officer",
        "HST 4210",
        "avery.lin@contoso.onmicrosoft.com",
        True,
        "Member",
    )
    assert rows[2][0] == "sam.okafor_partner.example#ext#@contoso.onmicrosoft.com"
    assert rows[2][5:] == (False, "Guest")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "users-download.csv",
            (
                "morgan.patel@contoso.onmicrosoft.com",
                "Morgan Patel",
                "Economic and Business Affairs",
                'Economic Officer, "Trade" desk',
                "HST 2533",
                False,
            ),
        ),
        (
            "users-download-legacy.csv",
            (
                "taylor.brooks@contoso.onmicrosoft.com",
                "Taylor Brooks",
                "Bureau of Administration",
                "Management Analyst",
                "HST B-112",
                False,
            ),
        ),
    ],
)
def test_users_csv_spellings(tmp_path: Path, name: str, expected: tuple[object, ...]) -> None:
    done = _fixture(tmp_path, name, "entra_users_csv")
    row = done.rows(
        "SELECT upn, display_name, department, job_title, office_location, account_enabled "
        "FROM directory_users WHERE upn = ?",
        expected[0],
    )
    assert row == [expected]
    assert done.scalar("SELECT count(*) FROM directory_users WHERE object_id IS NULL") == 0


def test_same_records_from_overlapping_exports_collapse(tmp_path: Path) -> None:
    # The Sentinel portal exports (test_sentinel_portal.py) are another tenant's records.
    overlapping = [
        p
        for p in sorted(FIXTURES.iterdir())
        if not p.name.startswith("sentinel-portal") and p.suffix != ".md"
    ]
    done = _ingest(tmp_path, *overlapping)
    by_file = {Path(f.path).name: (f.records, f.parsed, f.duplicates) for f in done.files}
    assert sum(r for r, _, _ in by_file.values()) == 28
    # One sign-in (3f1c…) is in the Event Hub batch, both batch lines, the portal CSV, the
    # portal JSON and the Sentinel CSV: it is stored once.
    assert done.scalar("SELECT count(*) FROM signins") == 7
    assert done.scalar("SELECT count(*) FROM graph_activity") == 2
    assert done.scalar("SELECT count(*) FROM directory_audits") == 2
    assert done.scalar("SELECT count(*) FROM directory_users") == 6
    assert sum(d for _, _, d in by_file.values()) == 28 - 17


def test_utf16_powershell_json_and_csv(tmp_path: Path) -> None:
    """Windows PowerShell 5 writes UTF-16 LE with a BOM by default (Out-File)."""
    for name in ("portal-signins.json", "users-download-legacy.csv"):
        text = (FIXTURES / name).read_text("utf-8-sig")
        (tmp_path / name).write_bytes(text.encode("utf-16"))
    done = _ingest(
        tmp_path, tmp_path / "portal-signins.json", tmp_path / "users-download-legacy.csv"
    )
    assert [f.parsed for f in done.files] == [2, 2]
    assert done.scalar("SELECT count(*) FROM signins WHERE session_id IS NOT NULL") == 2


def test_graph_json_lines_page_and_array_agree(tmp_path: Path) -> None:
    records = json.loads((FIXTURES / "portal-signins.json").read_text("utf-8"))
    lines = tmp_path / "signins.jsonl"
    lines.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    page = tmp_path / "page.json"
    page.write_text(
        json.dumps(
            {
                "@odata.context": "https://graph.microsoft.com/beta/$metadata#auditLogs/signIns",
                "value": records,
            }
        ),
        "utf-8",
    )
    done = _ingest(tmp_path / "a", lines)
    assert done.files[0].parsed == 2
    again = _ingest(tmp_path / "b", page)
    assert again.files[0].parsed == 2
    query = "SELECT record_key, kind, upn, session_id FROM signins ORDER BY 1"
    assert done.rows(query) == again.rows(query)
    assert "\n" not in str(done.scalar("SELECT raw FROM signins LIMIT 1"))
