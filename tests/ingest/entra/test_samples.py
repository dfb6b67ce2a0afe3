"""The Entra readers on every real sample under ../shared/samples/entra: exact counts
through the real ingest pipeline, zero quarantined, and field values checked by hand."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from mailscope.ingest.base import Parsed, Source
from mailscope.ingest.discover import discover
from mailscope.ingest.readers.entra.sentinel_json import SentinelJsonReader
from tests.ingest.ual.casefile import Ingested, assert_balanced, ingest_into
from tests.paths import sample


def _one(tmp_path: Path, relative: str, fmt: str) -> Ingested:
    done = ingest_into(tmp_path / "case", sample(f"entra/{relative}"))
    [result] = done.files
    assert result.format == fmt
    assert result.quarantined == 0
    assert done.scalar("SELECT count(*) FROM quarantine") == 0
    assert_balanced(result)
    return done


def _counts(done: Ingested) -> dict[str, int]:
    tables = ("signins", "graph_activity", "directory_audits", "directory_users")
    return {t: int(str(done.scalar(f"SELECT count(*) FROM {t}"))) for t in tables}


def test_eventhub_mixed_categories(tmp_path: Path) -> None:
    done = _one(tmp_path, "eventhub-sekoia.jsonl", "entra_eventhub_json")
    assert (done.files[0].records, done.files[0].parsed) == (25, 25)
    assert _counts(done) == {
        "signins": 8,
        "graph_activity": 3,
        "directory_audits": 14,
        "directory_users": 0,
    }
    kinds = done.rows("SELECT kind, count(*) FROM signins GROUP BY 1 ORDER BY 1")
    assert kinds == [("interactive", 6), ("noninteractive", 1), ("service_principal", 1)]
    categories = done.rows("SELECT category, count(*) FROM directory_audits GROUP BY 1 ORDER BY 1")
    assert ("UserRiskEvents", 3) in categories
    assert sum(int(str(n)) for _, n in categories) == 14
    # The newest interactive sign-in carries both linkable identifiers.
    session, token, asn, city = done.rows(
        "SELECT session_id, unique_token_id, asn, city FROM signins "
        "WHERE id = '11111111-1111-1111-6666-111111111111'"
    )[0]
    assert (session, token) == ("11111111-1111-1111-1111-666666666666", "aEQ2qLOsqkS86zz3OHIeAA")
    assert (asn, city) == (16509, "Paris")
    sp = done.rows(
        "SELECT service_principal_name, session_id, unique_token_id, upn, success "
        "FROM signins WHERE kind = 'service_principal'"
    )
    assert sp == [
        ("ParseMe", "99999999-9999-9999-9999-999999999999", "tOkEnIdEnTiFiEr123", None, True)
    ]
    failed = done.rows("SELECT status_code, client_app FROM signins WHERE NOT success")
    assert failed == [(50158, "Browser")]


def test_eventhub_graph_activity_and_risk_events(tmp_path: Path) -> None:
    done = _one(tmp_path, "eventhub-sekoia.jsonl", "entra_eventhub_json")
    graph = done.rows(
        "SELECT sign_in_activity_id, session_id, token_issued_at, method, response_status, "
        "ip FROM graph_activity ORDER BY time, source_line"
    )
    assert graph[0] == (
        "JgW9XEOQM0WNakyHMghCAA",
        None,
        datetime(2025, 2, 18, 10, 20, 11),
        "GET",
        403,
        "1.2.3.4",
    )
    assert graph[2][:2] == ("nCIzipjKBXc87y9rpX8dAA", "11111111-1111-1111-1111-111111111111")
    risk = done.rows(
        "SELECT activity, result, time, raw LIKE '%riskEventType%' FROM directory_audits "
        "WHERE category = 'UserRiskEvents' ORDER BY time"
    )
    assert [r[0] for r in risk] == ["unfamiliarFeatures"] * 3
    # '2023-10-26T5:32:08.107Z' (one-digit hour) is read, not quarantined.
    assert risk[1][2] == datetime(2023, 10, 26, 5, 32, 8, 107000)
    assert all(r[3] for r in risk)


def test_graph_directory_audits_with_one_signin(tmp_path: Path) -> None:
    done = _one(tmp_path, "graph-directoryaudits-sekoia.jsonl", "entra_graph_json")
    assert (done.files[0].records, done.files[0].parsed) == (79, 79)
    assert _counts(done)["directory_audits"] == 78
    assert _counts(done)["signins"] == 1
    upn, app, country, city = done.rows("SELECT upn, app_name, country, city FROM signins")[0]
    assert (upn, app, country, city) == ("anonymized_value", "Graph explorer", "US", "Redmond")
    first = done.rows(
        "SELECT activity, category, initiated_by_upn, initiated_by_ip, target_names "
        "FROM directory_audits WHERE id = 'id'"
    )
    assert first == [
        (
            "Add member to group",
            "UserManagement",
            "test@test.test",
            "127.0.0.1",
            "testValue2; bob@contoso.com",  # a target without a display name: its UPN
        )
    ]


def test_graph_auditlogs_array_with_bom(tmp_path: Path) -> None:
    done = _one(tmp_path, "graph-auditlogs-extractor-suite.json", "entra_graph_json")
    assert (done.files[0].records, done.files[0].parsed) == (123, 123)
    assert _counts(done)["directory_audits"] == 123
    row = done.rows(
        "SELECT activity, operation_type, initiated_by_upn, initiated_by_ip, target_ids, "
        "modified_properties FROM directory_audits "
        "WHERE id = 'Directory_010dc0af-9c95-40fa-810d-b817120797c9_P6CTY_79179990'"
    )[0]
    assert row[:5] == (
        "Add user",
        "Add",
        "charles.taylor@bonacu.onmicrosoft.com",
        "132.164.106.179",
        "22faa9d4-b9b0-44ec-979e-20f54eccdc73",
    )
    assert '{"name":"AccountEnabled","old":"[]","new":"[true]"}' in str(row[5])


def test_graph_serviceprincipal_signins(tmp_path: Path) -> None:
    done = _one(tmp_path, "graph-serviceprincipal-signins-extractor-suite.json", "entra_graph_json")
    assert (done.files[0].records, done.files[0].parsed) == (494, 494)
    assert done.rows("SELECT kind, count(*) FROM signins GROUP BY 1") == [
        ("service_principal", 494)
    ]
    assert done.scalar("SELECT count(*) FROM signins WHERE upn IS NOT NULL") == 0
    first = done.rows(
        "SELECT service_principal_name, resource_name, ip, session_id, unique_token_id, city "
        "FROM signins WHERE id = '0c532507-b101-4090-b2f1-4d768e2f3500'"
    )
    assert first == [
        (
            "Petra Forwarder",
            "Microsoft Graph",
            "3.140.144.215",
            "004ca149-c18f-a151-12cf-ebb662153620",
            "ByVTDAGxkECy8U12ji81AA",
            "Columbus",
        )
    ]


def test_graph_managed_identity_signins(tmp_path: Path) -> None:
    done = _one(tmp_path, "graph-managedidentity-signins-extractor-suite.json", "entra_graph_json")
    assert (done.files[0].records, done.files[0].parsed) == (28, 28)
    assert done.rows(
        "SELECT kind, service_principal_name, count(*) FROM signins GROUP BY 1, 2"
    ) == [("managed_identity", "tokens-1", 28)]


def test_sentinel_signinlogs(tmp_path: Path) -> None:
    done = _one(tmp_path, "sentinel-signinlogs-msticpy.jsonl", "entra_sentinel_json")
    result = done.files[0]
    # Each of the 45 sign-ins is in the export twice (same Id and time; the copies differ
    # only in columns a later schema added): 41 repeats collapse. Two Ids occur once.
    assert (result.records, result.parsed, result.duplicates) == (86, 45, 41)
    stats = done.rows(
        "SELECT count(DISTINCT upn), count(DISTINCT ip), count(*) FILTER (WHERE NOT success), "
        "count(DISTINCT kind) FROM signins"
    )
    assert stats == [(6, 6, 1, 1)]
    failed = done.rows("SELECT upn, status_code, country, city FROM signins WHERE NOT success")
    assert failed == [("meganb@seccxp.ninja", 90072, "US", "Atlanta")]


def test_sentinel_signinlogs_failures_read(tmp_path: Path) -> None:
    """Before de-duplication the file holds 2 failed sign-in records (one sign-in, twice)."""
    [source] = list(discover([sample("entra/sentinel-signinlogs-msticpy.jsonl")]))
    assert isinstance(source, Source)
    items = list(SentinelJsonReader().read(source))
    rows = [item.rows[0].values for item in items if isinstance(item, Parsed)]
    assert len(rows) == 86
    assert sum(1 for row in rows if row["success"] is False) == 2
    assert len({row["upn"] for row in rows}) == 6
    assert len({row["ip"] for row in rows}) == 6


def test_sentinel_auditlogs(tmp_path: Path) -> None:
    done = _one(tmp_path, "sentinel-auditlogs-otrf.jsonl", "entra_sentinel_json")
    result = done.files[0]
    # One audit record appears twice (a KQL mv-expand of its modified properties).
    assert (result.records, result.parsed, result.duplicates) == (4, 3, 1)
    rows = done.rows(
        "SELECT activity, initiated_by_upn, target_names FROM directory_audits ORDER BY time"
    )
    assert rows == [
        ("Update application", "pgustavo@simulandlabs.com", "SimuLandApp"),
        ("Add delegated permission grant", "pgustavo@simulandlabs.com", "Microsoft Graph"),
        (
            "Update application – Certificates and secrets management",
            "pgustavo@simulandlabs.com",
            "SimuLandApp",
        ),
    ]
    grant = done.rows(
        "SELECT modified_properties FROM directory_audits "
        "WHERE activity = 'Add delegated permission grant'"
    )[0][0]
    assert '"new":"\\"User.Read Mail.ReadWrite\\""' in str(grant)
