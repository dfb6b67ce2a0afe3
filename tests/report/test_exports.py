"""findings.jsonl, scope.json copy and summary.md."""

from __future__ import annotations

from pathlib import Path

import orjson

from mailscope.model.finding import SEVERITY_ORDER
from mailscope.report.markdown import md
from tests.report.tenant import HOSTILE_RULE


def test_findings_jsonl_lists_every_finding_most_severe_first(report_dir: Path) -> None:
    lines = (report_dir / "findings.jsonl").read_bytes().splitlines()
    findings = [orjson.loads(line) for line in lines]
    assert len(findings) == 4
    ranks = [SEVERITY_ORDER[f["severity"]] for f in findings]
    assert ranks == sorted(ranks, reverse=True)
    rule = next(f for f in findings if f["rule_id"] == "bec.inbox_rule")
    assert HOSTILE_RULE in rule["title"]
    assert rule["first_seen"].endswith("Z") and isinstance(rule["details"], dict)


def test_scope_json_is_copied_byte_for_byte(rendered_case: Path) -> None:
    assert (rendered_case / "report" / "scope.json").read_bytes() == (
        rendered_case / "scope.json"
    ).read_bytes()


def test_markdown_summary_is_inert(report_dir: Path) -> None:
    text = (report_dir / "summary.md").read_text("utf-8")
    assert "**4** mailboxes compromised" in text
    assert "<script>" not in text and "<b>" not in text and "\x1b" not in text
    assert "\\<script\\>" in text
    assert "](" not in text  # no Markdown link can be formed from evidence


def test_markdown_breaks_links_and_autolinks(report_dir: Path) -> None:
    text = (report_dir / "summary.md").read_text("utf-8")
    assert "http://" not in text  # the hostile rule name's URL is defanged
    assert md("see http://x.example or www.y.example") == (
        "see http:\\/\\/x.example or www\\.y.example"
    )
    assert md("[a](b) `c` *d* <e> |f| 2023-05-16 x@y.example") == (
        "\\[a\\](b) \\`c\\` \\*d\\* \\<e\\> \\|f\\| 2023-05-16 x@y.example"
    )
