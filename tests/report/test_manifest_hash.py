"""The report names the SHA-256 of manifest.json as written, so a reader can check the case."""

from __future__ import annotations

import hashlib
from pathlib import Path

from mailscope.ingest.pipeline import ingest
from mailscope.report.render import report_case
from tests.report.build_case import build_case
from tests.store.test_atomic_ingest import trace_csv


def test_report_and_summary_name_the_manifest_hash(tmp_path: Path) -> None:
    case = tmp_path / "case"
    ingest(case, [trace_csv(tmp_path / "ev" / "t.csv", 1, 2)])
    digest = hashlib.sha256((case / "manifest.json").read_bytes()).hexdigest()
    report_case(case, ("html", "md"))
    html = (case / "report" / "report.html").read_text("utf-8")
    assert f'data-metric="manifest_sha256" data-value="{digest}"' in html
    summary = (case / "report" / "summary.md").read_text("utf-8")
    assert f"SHA-256 of the case's manifest.json: `{digest}`" in summary


def test_a_case_without_manifest_says_so(tmp_path: Path) -> None:
    case = tmp_path / "case"
    build_case(case)
    assert not (case / "manifest.json").exists()
    report_case(case, ("html", "md"))
    html = (case / "report" / "report.html").read_text("utf-8")
    assert 'data-metric="manifest_sha256" data-value=""' in html
    assert "no manifest.json yet" in (case / "report" / "summary.md").read_text("utf-8")
