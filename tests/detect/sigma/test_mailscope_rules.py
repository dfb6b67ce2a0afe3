"""mailscope's own MailItemsAccessed Sigma rules: each fires on its pattern and not beside it."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from mailscope.detect.rule import Detection, RuleContext
from mailscope.detect.sigma.loader import bundled_sigma_paths, load_sigma_detections
from mailscope.ingest.pipeline import ingest
from mailscope.store.case import open_case
from tests.detect.sigma.store import run
from tests.paths import sample

REST = "sigma:480505d6-f650-42ea-86a0-f0fb530597f1"
SYNC = "sigma:6387b675-1a4a-432e-a660-fe9d76ab4c43"
THROTTLED = "sigma:a849172d-da89-45b9-b15d-ff6cb656154b"
OUTLOOK_DESKTOP = "d3590ed6-52b3-4102-aeff-aad2292ab01c"
UNKNOWN_APP = "3f2a9c1e-0b7d-4e57-9a40-5c2b1d7e8f60"


@pytest.fixture(scope="module")
def rules() -> dict[str, Detection]:
    detections, problems = load_sigma_detections(bundled_sigma_paths())
    assert problems == []
    return {d.id: d for d in detections}


def mail_items_accessed(
    key: str, access: str = "Bind", throttled: str = "False", **columns: object
) -> dict[str, object]:
    """An audit_events row as the UAL readers store a MailItemsAccessed record
    (OperationProperties copied into ``parameters`` as a JSON object)."""
    properties = [
        {"Name": "MailAccessType", "Value": access},
        {"Name": "IsThrottled", "Value": throttled},
    ]
    row: dict[str, object] = {
        "parameters": json.dumps({p["Name"]: p["Value"] for p in properties}),
        "record_key": key,
        "time": datetime(2023, 6, 1, 2, 0),
        "operation": "MailItemsAccessed",
        "user_id": "alice@example.org",
        "mailbox_upn": "alice@example.org",
        "logon_type": 0,
        "client_info": "Client=OWA;",
        "client_app_id": OUTLOOK_DESKTOP,
        "raw": json.dumps({"Operation": "MailItemsAccessed", "OperationProperties": properties}),
    }
    row.update(columns)
    return row


def test_bundled_rules_load(rules: dict[str, Detection]) -> None:
    assert sorted(rules) == sorted([REST, SYNC, THROTTLED])
    assert all(d.requires == ("audit_events",) for d in rules.values())
    assert "T1114.002" in rules[REST].attack_ids


def test_rest_client_on_another_mailbox(rules: dict[str, Detection]) -> None:
    hit = mail_items_accessed(
        "a1", user_id="eve@example.org", client_info="Client=REST;Client=RESTSystem;;"
    )
    found = run(rules[REST], {"audit_events": [hit]})
    assert len(found) == 1
    assert found[0].mailboxes == ("alice@example.org",)
    assert found[0].users == ("eve@example.org",)


@pytest.mark.parametrize(
    "change",
    [
        {"user_id": "ALICE@example.org"},  # the owner reading their own mail
        {"client_info": "Client=OWA;"},  # not the scripted client
        {"logon_type": 2},  # a delegate logon is a different question
        {"operation": "Send"},
    ],
)
def test_rest_client_negatives(rules: dict[str, Detection], change: dict[str, object]) -> None:
    base = {"user_id": "eve@example.org", "client_info": "Client=REST;Client=RESTSystem;;"}
    row = mail_items_accessed("a1", **{**base, **change})
    assert run(rules[REST], {"audit_events": [row]}) == []


def test_sync_from_unexpected_app(rules: dict[str, Detection]) -> None:
    hit = mail_items_accessed("a1", access="Sync", client_app_id=UNKNOWN_APP)
    found = run(rules[SYNC], {"audit_events": [hit]})
    assert [f.evidence_keys for f in found] == [("a1",)]
    assert UNKNOWN_APP in found[0].apps


def test_sync_falls_back_to_parsed_mail_access(rules: dict[str, Detection]) -> None:
    hit = mail_items_accessed("a1", client_app_id=UNKNOWN_APP, raw="{}", parameters=None)
    access = {"record_key": "m1", "event_key": "a1", "access_type": "Sync"}
    assert len(run(rules[SYNC], {"audit_events": [hit], "mail_access": [access]})) == 1
    bind = {**access, "access_type": "Bind"}
    assert run(rules[SYNC], {"audit_events": [hit], "mail_access": [bind]}) == []


@pytest.mark.parametrize(
    "change",
    [
        {"access": "Sync"},  # Outlook desktop is first-party
        {"access": "Bind", "client_app_id": UNKNOWN_APP},  # not a folder sync
        {"access": "Sync", "client_app_id": None},  # unknown app: no claim
    ],
)
def test_sync_negatives(rules: dict[str, Detection], change: dict[str, object]) -> None:
    row = mail_items_accessed("a1", **change)  # type: ignore[arg-type]
    assert run(rules[SYNC], {"audit_events": [row]}) == []


def test_throttled(rules: dict[str, Detection]) -> None:
    hit = mail_items_accessed("a1", throttled="True")
    found = run(rules[THROTTLED], {"audit_events": [hit, mail_items_accessed("a2")]})
    assert [f.evidence_keys for f in found] == [("a1",)]
    assert found[0].severity == "medium"  # a heavy legitimate user is throttled too
    assert run(rules[THROTTLED], {"audit_events": [mail_items_accessed("a2")]}) == []


def test_parameters_win_over_mail_access_rows(rules: dict[str, Detection]) -> None:
    """The record's own OperationProperties decide; mail_access is read only without them."""
    hit = mail_items_accessed("a1", throttled="True")
    quiet = {"record_key": "m1", "event_key": "a1", "is_throttled": False}
    assert len(run(rules[THROTTLED], {"audit_events": [hit], "mail_access": [quiet]})) == 1
    bare = mail_items_accessed("a2", parameters=None)
    loud = {"record_key": "m2", "event_key": "a2", "is_throttled": True}
    assert len(run(rules[THROTTLED], {"audit_events": [bare], "mail_access": [loud]})) == 1
    assert run(rules[THROTTLED], {"audit_events": [bare], "mail_access": [quiet]}) == []


def test_rules_read_columns_not_raw_json(rules: dict[str, Detection]) -> None:
    """The raw record is never scanned, and a lookup is joined only by the rule needing it."""
    sql = {rule_id: detection.sql for rule_id, detection in rules.items()}
    assert all("raw" not in text.replace("__raw", "") for text in sql.values()), sql
    assert "__is_throttled" in sql[THROTTLED] and "__mail_access_type" not in sql[THROTTLED]
    assert "__mail_access_type" in sql[SYNC] and "JOIN" not in sql[REST]


def test_real_mail_items_accessed_records(tmp_path: Path) -> None:
    """Ingested Management API MailItemsAccessed records: Bind, never throttled."""
    ingest(tmp_path, [sample("ual/management-api-sekoia.jsonl")])
    bind = load_sigma_detections([_rule_file(tmp_path, "MailAccessType: Bind")])[0][0]
    throttled = load_sigma_detections([_rule_file(tmp_path, "IsThrottled: 'True'")])[0][0]
    connection = open_case(tmp_path)
    try:
        ctx = RuleContext(connection, None, None, None)
        assert sum(int(str(f.details["matches"])) for f in bind.run(ctx)) == 3
        assert throttled.run(ctx) == []
    finally:
        connection.close()


def _rule_file(folder: Path, selection: str) -> Path:
    path = folder / f"rule-{abs(hash(selection))}.yml"
    path.write_text(
        "title: t\nid: 11111111-2222-3333-4444-555555555555\n"
        "logsource: {product: m365, service: audit}\n"
        f"detection:\n  s:\n    Operation: MailItemsAccessed\n    {selection}\n"
        "  condition: s\nlevel: low\n",
        "utf-8",
    )
    return path


def test_a_file_named_twice_loads_once() -> None:
    paths = [*bundled_sigma_paths(), *bundled_sigma_paths()]
    detections, problems = load_sigma_detections(paths)
    assert len(detections) == 3 and problems == []
