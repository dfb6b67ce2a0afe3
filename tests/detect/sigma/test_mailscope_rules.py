"""mailscope's own MailItemsAccessed Sigma rules: each fires on its pattern and not beside it."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from mailscope.detect.rule import Detection
from mailscope.detect.sigma.loader import bundled_sigma_paths, load_sigma_detections
from tests.detect.sigma.store import run

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
    """An audit_events row as the UAL readers store a MailItemsAccessed record."""
    properties = [
        {"Name": "MailAccessType", "Value": access},
        {"Name": "IsThrottled", "Value": throttled},
    ]
    row: dict[str, object] = {
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
    hit = mail_items_accessed("a1", client_app_id=UNKNOWN_APP, raw="{}")
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
    assert found[0].severity == "high"
    assert run(rules[THROTTLED], {"audit_events": [mail_items_accessed("a2")]}) == []


def test_a_file_named_twice_loads_once() -> None:
    paths = [*bundled_sigma_paths(), *bundled_sigma_paths()]
    detections, problems = load_sigma_detections(paths)
    assert len(detections) == 3 and problems == []
