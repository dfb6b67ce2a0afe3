"""The DuckDB backend's value semantics, each shown by a rule that hits and one that misses."""

from __future__ import annotations

import json
from datetime import datetime
from importlib.resources import files
from pathlib import Path

import pytest

from mailscope.detect.rule import Detection
from mailscope.detect.sigma.loader import load_sigma_detections
from mailscope.detect.sigma.pipeline import parse_pipeline
from tests.detect.sigma.store import run

HEADER = """title: test rule
id: 11111111-2222-3333-4444-555555555555
status: test
level: low
tags: [attack.collection, attack.t1114.002, attack.t1550]
logsource: {product: m365, service: audit}
"""


def rule(tmp_path: Path, detection: str) -> Detection:
    path = tmp_path / "rule.yml"
    path.write_text(HEADER + "detection:\n" + detection, "utf-8")
    detections, problems = load_sigma_detections([path])
    assert problems == []
    return detections[0]


def row(key: str, **columns: object) -> dict[str, object]:
    raw = columns.pop("raw", {})
    return {"record_key": key, "time": datetime(2023, 6, 1), "raw": json.dumps(raw), **columns}


def hits(detection: Detection, *rows: dict[str, object]) -> list[str]:
    found = run(detection, {"audit_events": list(rows)})
    return sorted(key for finding in found for key in finding.evidence_keys)


def test_plain_value_is_case_insensitive_and_escapes_like_characters(tmp_path: Path) -> None:
    detection = rule(tmp_path, '  sel:\n    Operation: "50%_o\'k^"\n  condition: sel\n')
    assert hits(
        detection,
        row("a", operation="50%_O'K^"),
        row("b", operation="50xyo'k^"),
        row("c", operation="50%_o'k^ more"),
    ) == ["a"]


def test_escape_clause_only_when_the_pattern_escapes(tmp_path: Path) -> None:
    """Plain LIKE is ~10x faster in DuckDB; a backslash stays a literal character."""
    plain = rule(tmp_path, "  sel:\n    Operation: 'C:\\Temp*'\n  condition: sel\n")
    assert "ESCAPE" not in plain.sql
    assert hits(plain, row("a", operation="c:\\temp\\x"), row("b", operation="C:Temp")) == ["a"]
    escaped = rule(tmp_path, "  sel:\n    Operation: 'a_b'\n  condition: sel\n")
    assert "ESCAPE '^'" in escaped.sql
    assert hits(escaped, row("a", operation="A_B"), row("b", operation="axb")) == ["a"]


def test_wildcards_and_string_modifiers(tmp_path: Path) -> None:
    detection = rule(
        tmp_path,
        "  sel:\n    Operation|startswith: New-\n    UserId|endswith: '@x.org'\n"
        "    ClientInfoString|contains: REST\n    UserAgent: 'Mozilla/?.0*'\n"
        "  condition: sel\n",
    )
    good = {
        "operation": "New-InboxRule",
        "user_id": "A@X.ORG",
        "client_info": "Client=REST;",
        "user_agent": "Mozilla/5.0 (X)",
    }
    assert hits(
        detection,
        row("a", **good),
        row("b", **{**good, "operation": "Set-InboxRule"}),
        row("c", **{**good, "user_agent": "Mozilla/10.0"}),
    ) == ["a"]


def test_cased_modifier_is_case_sensitive(tmp_path: Path) -> None:
    detection = rule(tmp_path, "  sel:\n    Operation|cased: Send\n  condition: sel\n")
    assert hits(detection, row("a", operation="Send"), row("b", operation="send")) == ["a"]


def test_regular_expression(tmp_path: Path) -> None:
    detection = rule(
        tmp_path, "  sel:\n    Operation|re|i: '^set-(mailbox|inboxrule)$'\n  condition: sel\n"
    )
    assert hits(
        detection, row("a", operation="Set-Mailbox"), row("b", operation="Set-MailboxX")
    ) == ["a"]


def test_cidr(tmp_path: Path) -> None:
    detection = rule(tmp_path, "  sel:\n    ClientIP|cidr: 203.0.113.0/25\n  condition: sel\n")
    assert hits(
        detection, row("a", client_ip="203.0.113.77"), row("b", client_ip="203.0.113.200")
    ) == ["a"]


def test_null_and_numeric_comparison(tmp_path: Path) -> None:
    detection = rule(
        tmp_path, "  sel:\n    SessionId: null\n    LogonType|gte: 1\n  condition: sel\n"
    )
    assert hits(
        detection,
        row("a", logon_type=2),
        row("b", logon_type=0),
        row("c", logon_type=2, session_id="s"),
    ) == ["a"]


def test_all_modifier_needs_every_value(tmp_path: Path) -> None:
    detection = rule(
        tmp_path, "  sel:\n    Parameters|contains|all: [Forward, Bcc]\n  condition: sel\n"
    )
    assert hits(
        detection,
        row("a", parameters='{"ForwardTo":"x","BccTo":"y"}'),
        row("b", parameters='{"ForwardTo":"x"}'),
    ) == ["a"]


def test_keywords_search_the_raw_record(tmp_path: Path) -> None:
    detection = rule(tmp_path, "  keywords:\n    - 'Set-CASMailbox'\n  condition: keywords\n")
    assert hits(
        detection,
        row("a", raw={"Operation": "Set-CASMailbox"}),
        row("b", raw={"Operation": "Set-Mailbox"}),
    ) == ["a"]


def test_unmapped_field_reads_raw_json_in_any_casing(tmp_path: Path) -> None:
    detection = rule(tmp_path, "  sel:\n    ExternalAccess: 'true'\n  condition: sel\n")
    assert hits(
        detection,
        row("a", raw={"ExternalAccess": True}),
        row("b", raw={"properties": {"externalAccess": "True"}}),
        row("c", raw={"ExternalAccess": False}),
        row("d", raw="not json {"),
    ) == ["a", "b"]


def test_finding_carries_tags_level_and_entities(tmp_path: Path) -> None:
    detection = rule(tmp_path, "  sel:\n    Operation: X\n  condition: sel\n")
    found = run(
        detection,
        {
            "audit_events": [
                row(
                    "a",
                    operation="X",
                    user_id="u@x",
                    mailbox_upn="m@x",
                    client_ip="1.2.3.4",
                    app_id="app",
                    client_app_id="capp",
                    session_id="s1",
                    unique_token_id="t1",
                ),
                row("b", operation="X", user_id="u@x", mailbox_upn="n@x", client_ip="1.2.3.4"),
                row("c", operation="X", user_id="v@x"),
            ]
        },
    )
    assert [f.users for f in found] == [("u@x",), ("v@x",)]
    first = found[0]
    assert first.rule_id == "sigma:11111111-2222-3333-4444-555555555555"
    assert first.severity == "low"
    assert first.attack_ids == ("T1114.002", "T1550")
    assert first.mailboxes == ("m@x", "n@x") and first.apps == ("app", "capp")
    assert first.sessions == ("s1",) and first.tokens == ("t1",)
    assert first.evidence_keys == ("a", "b") and first.details["matches"] == 2


def test_period_limits_matches(tmp_path: Path) -> None:
    detection = rule(tmp_path, "  sel:\n    Operation: X\n  condition: sel\n")
    early = row("a", operation="X", user_id="u")
    late = {**row("b", operation="X", user_id="u"), "time": datetime(2023, 7, 1)}
    found = run(detection, {"audit_events": [early, late]}, period=(datetime(2023, 6, 15), None))
    assert [f.evidence_keys for f in found] == [("b",)]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (
            "logsource: {product: azure, service: activitylogs}\ndetection:\n  s:\n    a: b\n"
            "  condition: s\n",
            "not ingested",
        ),
        (
            "logsource: {product: windows, category: process_creation}\ndetection:\n  s:\n"
            "    a: b\n  condition: s\n",
            "no case-store table",
        ),
        (
            "logsource: {product: m365, service: audit}\ndetection:\n  s:\n    a|re: '(?<=x)y'\n"
            "  condition: s\n",
            "invalid Sigma",
        ),
        (
            'logsource: {product: m365, service: audit}\ndetection:\n  s:\n    "a\'b": x\n'
            "  condition: s\n",
            "not a plain JSON key",
        ),
        ("logsource: {product: m365\n", "cannot read"),
    ],
)
def test_bad_rules_are_reported_with_file_and_reason(
    tmp_path: Path, body: str, reason: str
) -> None:
    good = tmp_path / "good.yml"
    good.write_text(HEADER + "detection:\n  s:\n    Operation: X\n  condition: s\n", "utf-8")
    bad = tmp_path / "bad.yml"
    bad.write_text("title: bad\nid: 99999999-2222-3333-4444-555555555555\n" + body, "utf-8")
    detections, problems = load_sigma_detections([tmp_path])
    assert [d.id for d in detections] == ["sigma:11111111-2222-3333-4444-555555555555"]
    assert len(problems) == 1
    assert problems[0].path == str(bad) and reason in problems[0].reason


def test_sql_that_does_not_bind_is_reported(tmp_path: Path) -> None:
    text = files("mailscope.detect.sigma").joinpath("pipeline.yml").read_text("utf-8")
    text = text.replace('MailAccessType: "@mail_access_type"', 'MailAccessType: "@broken"')
    text = text.replace("\nderived:\n", "\nderived:\n  broken: no_such_column\n")
    spec = parse_pipeline(text, location="test")
    path = tmp_path / "rule.yml"
    path.write_text(HEADER + "detection:\n  s:\n    MailAccessType: Sync\n  condition: s\n")
    detections, problems = load_sigma_detections([path], spec)
    assert detections == []
    assert len(problems) == 1 and "does not run" in problems[0].reason
    assert "no_such_column" in problems[0].reason
