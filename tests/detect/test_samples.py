"""Detections on the real sample evidence: they run without errors, find the Purview
inbox-rule burst, and stay quiet (nothing high) on the msticpy demo noise."""

from __future__ import annotations

from pathlib import Path

from mailscope.detect.engine import DetectRun, detect_case
from mailscope.ingest.pipeline import ingest
from tests.paths import sample


def _detect(tmp_path: Path, *relative: str) -> DetectRun:
    ingest(tmp_path, [sample(r) for r in relative])
    return detect_case(tmp_path)


def test_purview_inbox_rule_burst_from_one_ip(tmp_path: Path) -> None:
    run = _detect(tmp_path, "ual/purview-export-huntress2023.csv")
    assert run.by_status("error") == []
    bursts = [f for f in run.findings if f.rule_id == "MS-INBOX-RULE-BURST"]
    assert len(bursts) == 1
    burst = bursts[0]
    assert burst.severity == "high"
    assert burst.ips == ("185.73.124.135",)
    assert burst.details["rules"] == 38
    assert burst.mailboxes == ("debrab@m365b132131.onmicrosoft.com",)
    assert len(burst.evidence_keys) == 38


def test_msticpy_demo_noise_raises_nothing_high(tmp_path: Path) -> None:
    run = _detect(tmp_path, "ual/sentinel-officeactivity-msticpy-demo.csv")
    assert run.by_status("error") == []
    assert [r.rule_id for r in run.runs if r.status == "ran"], "no rule ran on the demo data"
    high = [(f.rule_id, f.explanation) for f in run.findings if f.severity in ("high", "critical")]
    assert high == []
    grants = [f for f in run.findings if f.rule_id == "MS-MAILBOX-PERMISSION-GRANT"]
    assert sum(int(f.details["grants"]) for f in grants) == 5  # type: ignore[call-overload]


def test_every_sample_runs_without_rule_errors(tmp_path: Path) -> None:
    root = sample("README.md").parent
    ingest(tmp_path, [root])
    run = detect_case(tmp_path)
    assert run.by_status("error") == []
    skipped = {r.rule_id: r.reason for r in run.by_status("skipped")}
    assert all(reason for reason in skipped.values())


def test_huntress_anyone_links_are_named_with_the_intruders_address(tmp_path: Path) -> None:
    """The Rogue-Inbox CTF intruder, after 38 inbox rules from 185.73.124.135, also made
    an "Anyone" link on the victim's OneDrive from the same address."""
    run = _detect(tmp_path, "ual/purview-export-huntress2023.csv")
    shared = [f for f in run.findings if f.rule_id == "MS-DATA-SHARED-OUT"]
    assert [(f.users, f.ips, f.details["links"]) for f in shared] == [
        (("debrab@m365b132131.onmicrosoft.com",), ("185.73.124.135",), 1)
    ]
    assert not [f for f in run.findings if f.rule_id == "MS-MASS-DOWNLOAD"]
