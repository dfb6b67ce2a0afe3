"""The same case renders byte-identical exports; report.html differs in one line only."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

from mailscope.report.render import report_case
from tests.report.build_case import build_case


def test_two_renders_of_two_builds_are_identical(tmp_path: Path) -> None:
    first, second = tmp_path / "one" / "inv" / "case", tmp_path / "two" / "inv" / "case"
    build_case(first)
    build_case(second)
    report_case(first, generated_at=datetime(2024, 1, 1, 0, 0, 0))
    report_case(second, generated_at=datetime(2025, 6, 30, 23, 59, 59))
    names = sorted(p.name for p in (first / "report").iterdir())
    assert names == sorted(p.name for p in (second / "report").iterdir())
    assert len(names) == 10
    for name in names:
        a, b = (first / "report" / name).read_bytes(), (second / "report" / name).read_bytes()
        if name != "report.html":
            assert a == b, name
            continue
        differing = [(x, y) for x, y in zip(a.splitlines(), b.splitlines(), strict=True) if x != y]
        assert len(differing) == 1 and b"Generated" in differing[0][0], differing


def test_rerender_replaces_stale_files_atomically(tmp_path: Path) -> None:
    case = tmp_path / "case"
    build_case(case)
    report_case(case, ("csv",))
    (case / "report" / "findings.csv").write_text("stale")
    written = report_case(case, ("csv", "md"))
    assert {p.name for p in written} == {
        "exposed_messages.csv", "mailboxes.csv", "people_to_notify.csv", "findings.csv",
        "summary.md",
    }  # fmt: skip
    assert (case / "report" / "findings.csv").read_text("utf-8-sig").startswith("finding_id")
    assert not (case / ".report.partial").exists()
    shutil.rmtree(case / "report")
