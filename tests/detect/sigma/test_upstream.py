"""The 145 upstream SigmaHQ m365/azure rules: every one converts or is reported, none crash."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from mailscope.detect.rule import Detection
from mailscope.detect.sigma.loader import SigmaProblem, load_sigma_detections
from tests.detect.sigma.store import empty_store, run
from tests.paths import shared

UPSTREAM_RULES = 145
CONVERTED = 84
# Log sources the case store does not hold: azure activitylogs (35), riskdetection (19),
# pim (7).
UNSUPPORTED = {"activitylogs": 35, "riskdetection": 19, "pim": 7}


@pytest.fixture(scope="module")
def upstream() -> tuple[list[Detection], list[SigmaProblem]]:
    return load_sigma_detections([shared("sigma/sigmahq")])


def by_id(detections: list[Detection], rule_id: str) -> Detection:
    found = [d for d in detections if d.id == f"sigma:{rule_id}"]
    assert len(found) == 1, rule_id
    return found[0]


def test_every_upstream_rule_converts_or_is_reported(
    upstream: tuple[list[Detection], list[SigmaProblem]],
) -> None:
    detections, problems = upstream
    files = sorted(shared("sigma/sigmahq").rglob("*.yml"))
    assert len(files) == UPSTREAM_RULES
    assert len(detections) == CONVERTED
    assert len(detections) + len(problems) == UPSTREAM_RULES
    assert all(p.path and p.reason and p.rule_id.startswith("sigma:") for p in problems)
    reasons = Counter(Path(p.path).parent.name for p in problems)
    assert reasons == {
        "activity_logs": 35,
        "identity_protection": 19,
        "privileged_identity_management": 7,
    }
    assert all("not ingested into the case store" in p.reason for p in problems)
    assert sum(UNSUPPORTED.values()) == len(problems)


def test_every_converted_rule_runs_on_an_empty_store(
    upstream: tuple[list[Detection], list[SigmaProblem]],
) -> None:
    from mailscope.detect.rule import RuleContext

    connection = empty_store()
    ctx = RuleContext(connection, None, None, None)
    for detection in upstream[0]:
        assert detection.run(ctx) == [], detection.id
    connection.close()


def test_converted_rules_carry_level_and_attack_tags(
    upstream: tuple[list[Detection], list[SigmaProblem]],
) -> None:
    mfa = by_id(upstream[0], "60de9b57-dc4d-48b9-a6a0-b39e0469f876")
    assert mfa.severity == "high"
    assert mfa.requires == ("audit_events",)
    assert mfa.attack_ids and all(a.startswith("T") for a in mfa.attack_ids)


def audit(
    record_key: str, operation: str, raw: dict[str, object] | None = None
) -> dict[str, object]:
    return {
        "record_key": record_key,
        "time": datetime(2023, 6, 1, 3, 0),
        "operation": operation,
        "user_id": "admin@example.org",
        "client_ip": "203.0.113.9",
        "raw": json.dumps(raw or {"Operation": operation}),
    }


def test_disabling_mfa(upstream: tuple[list[Detection], list[SigmaProblem]]) -> None:
    rule = by_id(upstream[0], "60de9b57-dc4d-48b9-a6a0-b39e0469f876")
    hit = run(rule, {"audit_events": [audit("a1", "Disable Strong Authentication.")]})
    assert [f.evidence_keys for f in hit] == [("a1",)]
    assert hit[0].users == ("admin@example.org",) and hit[0].ips == ("203.0.113.9",)
    assert hit[0].rule_id == "sigma:60de9b57-dc4d-48b9-a6a0-b39e0469f876"
    assert run(rule, {"audit_events": [audit("a2", "Enable Strong Authentication.")]}) == []


def test_new_federated_domain(upstream: tuple[list[Detection], list[SigmaProblem]]) -> None:
    rule = by_id(upstream[0], "58f88172-a73d-442b-94c9-95eaed3cbb36")
    assert len(run(rule, {"audit_events": [audit("a1", "Add domain to company.")]})) == 1
    assert run(rule, {"audit_events": [audit("a2", "Remove domain from company.")]}) == []


def signin(record_key: str, raw: dict[str, object], **columns: object) -> dict[str, object]:
    return {
        "record_key": record_key,
        "time": datetime(2023, 6, 1),
        "upn": "bob@example.org",
        "raw": json.dumps(raw),
        **columns,
    }


def test_device_code_reads_event_hub_and_graph_shapes(
    upstream: tuple[list[Detection], list[SigmaProblem]],
) -> None:
    rule = by_id(upstream[0], "248649b7-d64f-46f0-9fb2-a52774166fb5")
    event_hub = signin("s1", {"properties": {"message": "Device Code"}})
    graph = signin("s2", {"message": "device code"})
    other = signin("s3", {"properties": {"message": "ROPC"}})
    found = run(rule, {"signins": [event_hub, graph, other]})
    assert [f.evidence_keys for f in found] == [("s1", "s2")]
    assert run(rule, {"signins": [other, signin("s4", {"message": "Device Codes"})]}) == []


def test_azurehound_uses_columns_and_numeric_result(
    upstream: tuple[list[Detection], list[SigmaProblem]],
) -> None:
    rule = by_id(upstream[0], "35b781cc-1a08-4a5a-80af-42fd7c315c6b")
    ok = signin("s1", {}, user_agent="azurehound/v2.1", status_code=0, ip="198.51.100.3")
    failed = signin("s2", {}, user_agent="azurehound/v2.1", status_code=50126)
    browser = signin("s3", {}, user_agent="Mozilla/5.0", status_code=0)
    found = run(rule, {"signins": [ok, failed, browser]})
    assert [(f.evidence_keys, f.ips) for f in found] == [(("s1",), ("198.51.100.3",))]


def test_account_lockout(upstream: tuple[list[Detection], list[SigmaProblem]]) -> None:
    rule = by_id(upstream[0], "2b7d6fc0-71ac-4cf7-8ed1-b5788ee5257a")
    assert len(run(rule, {"signins": [signin("s1", {}, status_code=50053)]})) == 1
    assert run(rule, {"signins": [signin("s2", {}, status_code=50126)]}) == []


def test_app_credential_added_on_directory_audits(
    upstream: tuple[list[Detection], list[SigmaProblem]],
) -> None:
    rule = by_id(upstream[0], "cbb67ecc-fb70-4467-9350-c910bdf7c628")
    row = {
        "record_key": "d1",
        "time": datetime(2023, 6, 1),
        "initiated_by_upn": "eve@x.org",
        "activity": "Update application – Certificates and secrets management",
        "raw": "{}",
    }
    found = run(rule, {"directory_audits": [row]})
    assert len(found) == 1 and found[0].users == ("eve@x.org",)
    row = {**row, "activity": "Update application"}
    assert run(rule, {"directory_audits": [row]}) == []


def test_pst_export_contains_all(upstream: tuple[list[Detection], list[SigmaProblem]]) -> None:
    rule = by_id(upstream[0], "6897cd82-6664-11ed-9022-0242ac120002")
    payload = "New-ComplianceSearchAction -SearchName x -Export -Format pst"
    row = audit("a1", "AlertTriggered", {"Payload": payload})
    row["workload"] = "SecurityComplianceCenter"
    assert len(run(rule, {"audit_events": [row]})) == 1
    partial = {**row, "record_key": "a2", "raw": json.dumps({"Payload": payload[:-4]})}
    assert run(rule, {"audit_events": [partial]}) == []
