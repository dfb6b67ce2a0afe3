"""Incidents: findings grouped by the actor chain, shared ids, or user and rule in time."""

from __future__ import annotations

from datetime import datetime, timedelta

from mailscope.report.activity import Activity
from mailscope.report.incidents import build_incidents
from mailscope.report.report_data import ActorIndicator, FindingRecord, ReportData
from mailscope.report.scope_doc import EMPTY_SCOPE

T0 = datetime(2023, 5, 15, 9)
_ids = iter(range(10**6))


def _finding(
    rule: str, at: datetime, severity: str = "medium", **lists: tuple[str, ...]
) -> FindingRecord:
    values = {
        k: lists.get(k, ()) for k in ("mailboxes", "users", "apps", "ips", "sessions", "tokens")
    }
    return FindingRecord(
        finding_id=f"{rule}:{next(_ids)}",
        rule_id=rule,
        title=rule,
        severity=severity,
        confidence=0.5,
        attack_ids=(),
        first_seen=at,
        last_seen=at,
        evidence_keys=(),
        explanation="",
        details="{}",
        **values,
    )


def _data(findings: list[FindingRecord], actor: tuple[ActorIndicator, ...] = ()) -> ReportData:
    return ReportData(
        case_name="t",
        scope=EMPTY_SCOPE,
        findings=tuple(findings),
        rule_runs=(),
        evidence=(),
        quarantine=(),
        actor=actor,
        exposed=(),
        people=(),
        blind_spots=(),
        activity=Activity(3600, ()),
    )


def test_the_same_rule_on_one_user_sixteen_months_apart_is_two_incidents() -> None:
    findings = [
        _finding("MS-INBOX-RULE-BEC", T0, users=("a@x",)),
        _finding("MS-INBOX-RULE-BEC", T0 + timedelta(days=480), users=("a@x",)),
    ]
    incidents = build_incidents(_data(findings))
    assert [len(i.findings) for i in incidents] == [1, 1]


def test_a_burst_of_changes_is_one_incident_and_other_users_stay_apart() -> None:
    findings = [
        _finding("MS-INBOX-RULE-BEC", T0 + timedelta(hours=n), users=("a@x",)) for n in range(10)
    ]
    findings.append(_finding("MS-INBOX-RULE-BEC", T0, users=("b@x",)))
    incidents = build_incidents(_data(findings))
    assert sorted(len(i.findings) for i in incidents) == [1, 10]


def test_findings_naming_the_actors_ids_form_the_actors_incident_first() -> None:
    actor = (
        ActorIndicator("session", "FS", T0, T0, 3, "forged", "confirmed"),
        ActorIndicator("ip", "203.0.113.5", T0, T0, 3, "only the actor", "confirmed"),
    )
    findings = [
        _finding("MS-TOKEN-NO-SIGNIN", T0, "high", sessions=("FS",), mailboxes=("v@x",)),
        _finding("MS-REST-OTHERS-MAIL", T0 + timedelta(days=3), ips=("203.0.113.5",)),
        _finding("MS-MAILBOX-THROTTLED", T0, "critical", mailboxes=("z@x",)),
        _finding("MS-SYNC-NEW-CONTEXT", T0, sessions=("FS",)),
    ]
    incidents = build_incidents(_data(findings, actor))
    assert incidents[0].actor and len(incidents[0].findings) == 3
    assert [i.actor for i in incidents[1:]] == [False]
    assert incidents[1].severity == "critical"
