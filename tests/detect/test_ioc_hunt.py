"""Retro-hunt: in-window matches keep their weight, outside ones are down-ranked, not hidden."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from mailscope.detect.ioc_hunt import ioc_detections
from mailscope.detect.rule import Detection
from tests.detect.sigma.store import run

REST = "Client=REST;Client=RESTSystem;;"
PANEL_IP = "195.26.87.219"  # token web panel, seen 2023-05-15..2023-06-25
IN_WINDOW = datetime(2023, 6, 1, 3, 0)
LATER = datetime(2024, 3, 1, 3, 0)


@pytest.fixture(scope="module")
def bundled() -> dict[str, Detection]:
    return {d.id: d for d in ioc_detections([])}


def access(key: str, when: datetime, **columns: object) -> dict[str, object]:
    row: dict[str, object] = {
        "record_key": key,
        "time": when,
        "mailbox_upn": "amb@state.example",
        "user_id": "amb@state.example",
        "client_ip": "198.51.100.1",
        "client_info": "Client=OWA;",
    }
    row.update(columns)
    return row


def test_bundled_pack_always_loads(bundled: dict[str, Detection]) -> None:
    assert sorted(bundled) == ["intel:storm-0558:ip", "intel:storm-0558:user-agent"]
    assert all(d.requires == () for d in bundled.values())


def test_actor_ip_inside_window_is_high(bundled: dict[str, Detection]) -> None:
    found = run(
        bundled["intel:storm-0558:ip"],
        {
            "mail_access": [access("m1", IN_WINDOW, client_ip=PANEL_IP)],
            "signins": [
                {
                    "record_key": "s1",
                    "time": IN_WINDOW,
                    "ip": PANEL_IP,
                    "upn": "amb@state.example",
                    "session_id": "sess-9",
                }
            ],
            "audit_events": [access("a1", IN_WINDOW)],
        },
    )
    assert len(found) == 1
    finding = found[0]
    assert finding.severity == "high" and finding.details["in_window"] is True
    assert finding.evidence_keys == ("m1", "s1") and finding.ips == (PANEL_IP,)
    assert finding.sessions == ("sess-9",) and finding.mailboxes == ("amb@state.example",)
    assert "Inside the indicator's validity window 2023-05-15..2023-06-25" in finding.explanation


def test_actor_ip_outside_window_is_low_and_says_so(bundled: dict[str, Detection]) -> None:
    found = run(
        bundled["intel:storm-0558:ip"],
        {
            "audit_events": [
                access("a1", IN_WINDOW, client_ip=PANEL_IP),
                access("a2", LATER, client_ip=PANEL_IP),
            ],
        },
    )
    by_window = {f.details["in_window"]: f for f in found}
    assert by_window[True].severity == "high" and by_window[True].evidence_keys == ("a1",)
    assert by_window[False].severity == "low" and by_window[False].evidence_keys == ("a2",)
    assert "Outside the indicator's validity window" in by_window[False].explanation


def test_no_indicator_no_finding(bundled: dict[str, Detection]) -> None:
    rows = {
        "audit_events": [access("a1", IN_WINDOW)],
        "signins": [{"record_key": "s1", "time": IN_WINDOW, "ip": "195.26.87.21"}],
    }
    assert run(bundled["intel:storm-0558:ip"], rows) == []
    assert run(bundled["intel:storm-0558:user-agent"], rows) == []


def test_rest_client_alone_is_info(bundled: dict[str, Detection]) -> None:
    found = run(
        bundled["intel:storm-0558:user-agent"],
        {"audit_events": [access("a1", IN_WINDOW, client_info=REST)]},
    )
    assert [(f.severity, f.evidence_keys) for f in found] == [("info", ("a1",))]
    assert "never evidence on its own" in found[0].explanation


def test_rest_client_with_actor_ip_is_low(bundled: dict[str, Detection]) -> None:
    found = run(
        bundled["intel:storm-0558:user-agent"],
        {"audit_events": [access("a1", IN_WINDOW, client_info=REST, client_ip=PANEL_IP)]},
    )
    assert [f.severity for f in found] == ["low"]
    assert found[0].details["co_matched"] == [f"ipv4-addr {PANEL_IP}"]


def test_user_file_hunts_cidr_app_ids_and_tokens(tmp_path: Path) -> None:
    path = tmp_path / "case-iocs.csv"
    path.write_text(
        "type,value,valid_from,valid_until,strength\n"
        "ipv4-addr,203.0.113.0/24,2023-05-01,2023-07-01,strong\n"
        "app-id,3F2A9C1E-0B7D-4E57-9A40-5C2B1D7E8F60,,,medium\n"
        "token-id,tok-EVIL,,,strong\n",
        "utf-8",
    )
    detections = {d.id: d for d in ioc_detections([path])}
    assert {
        "intel:case-iocs:ip",
        "intel:case-iocs:app-id",
        "intel:case-iocs:token-id",
        "intel:storm-0558:ip",
    } <= set(detections)
    rows = {
        "mail_access": [
            access("m1", IN_WINDOW, client_ip="203.0.113.77"),
            access("m2", IN_WINDOW, client_ip="203.0.114.1"),
            access("m3", IN_WINDOW, app_id="3f2a9c1e-0b7d-4e57-9a40-5c2b1d7e8f60"),
            access("m4", IN_WINDOW, unique_token_id="tok-EVIL"),
            access("m5", IN_WINDOW, unique_token_id="tok-evil"),
        ]
    }
    ip = run(detections["intel:case-iocs:ip"], rows)
    assert [(f.evidence_keys, f.severity) for f in ip] == [(("m1",), "high")]
    app = run(detections["intel:case-iocs:app-id"], rows)
    assert [(f.evidence_keys, f.severity) for f in app] == [(("m3",), "medium")]
    token = run(detections["intel:case-iocs:token-id"], rows)
    assert [f.evidence_keys for f in token] == [("m4",)]
