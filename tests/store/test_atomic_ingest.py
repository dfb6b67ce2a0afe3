"""A killed ingest leaves whole files or nothing, is named by the next command, and a
re-run gives the case one uninterrupted run gives."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mailscope.cli import main
from mailscope.ingest.pipeline import ingest
from tests.store.casedump import forked, snapshot, tables
from tests.terminal import plain

runner = CliRunner()
KILLED = -signal.SIGKILL
HEADER = (
    "Received,SenderAddress,RecipientAddress,Subject,Status,ToIP,FromIP,Size,"
    "MessageId,MessageTraceId\n"
)


def trace_csv(path: Path, *ids: int) -> Path:
    """A Get-MessageTrace export with one row per id (same id, same record)."""
    rows = [
        f"2023-06-0{n % 9 + 1}T09:00:00Z,a@x.example,r{n}@x.example,s{n},Delivered,,1.2.3.4,"
        f"{n},<m{n}@x.example>,trace-{n}\n"
        for n in ids
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


@pytest.fixture
def evidence(tmp_path: Path) -> Path:
    """Three overlapping exports: b repeats two records of a, c one of b."""
    folder = tmp_path / "evidence"
    trace_csv(folder / "a.csv", *range(0, 1500))
    trace_csv(folder / "b.csv", *range(1000, 2600))
    trace_csv(folder / "c.csv", *range(2500, 2800))
    return folder


@pytest.fixture
def clean(tmp_path: Path, evidence: Path) -> dict[str, list[tuple[object, ...]]]:
    ingest(tmp_path / "clean", [evidence])
    return tables(tmp_path / "clean")


def _info(case: Path) -> str:
    result = runner.invoke(main.app, ["case", "info", "--case", str(case)])
    assert result.exit_code == 0, result.output
    return plain(result.output)


@pytest.mark.parametrize(
    ("fault", "visible"),
    [
        ("ingest:file-start#2", 1),
        ("ingest:batch#2", 1),
        ("publish:copied-table#3", 1),  # the second file: its first table
        ("publish:before-commit#2", 1),
        ("publish:before-commit#1", 0),
        ("ingest:file-start#1", 0),
    ],
)
def test_killed_ingest_leaves_whole_files_and_rerun_equals_one_run(
    tmp_path: Path,
    evidence: Path,
    clean: dict[str, list[tuple[object, ...]]],
    fault: str,
    visible: int,
) -> None:
    case = tmp_path / "case"
    before = snapshot(evidence)
    assert forked(["ingest", "-q", str(evidence), "--case", str(case)], fault) == KILLED
    killed = tables(case)
    assert len(killed["evidence"]) == visible
    # Only whole files are visible: every stored row belongs to a listed evidence file.
    shas = {row[0] for row in killed["evidence"]}
    assert {row[-3] for row in killed["message_trace"]} <= shas
    rows_of_a = 1500 if visible else 0
    assert len(killed["message_trace"]) == rows_of_a
    info = _info(case)
    name = "a.csv" if visible == 0 else "b.csv"
    assert f"ingest of {evidence / name} interrupted at" in info
    assert "0 of its records are in the case" in info

    rerun = ingest(case, [evidence])
    assert [i.current_file for i in rerun.interrupted] == [str(evidence / name)]
    assert tables(case) == clean
    counts = {Path(f.path).name: (f.records, f.parsed, f.duplicates) for f in rerun.files}
    assert counts["b.csv"] == (1600, 1100, 500) or visible == 1
    assert counts["c.csv"] == (300, 200, 100)
    assert "interrupted at" not in _info(case)
    assert snapshot(evidence) == before


def test_rerun_after_interruption_counts_no_duplicates_of_the_dead_run(
    tmp_path: Path, evidence: Path
) -> None:
    case = tmp_path / "case"
    single = evidence / "b.csv"
    assert forked(["ingest", "-q", str(single), "--case", str(case)], "publish:before-commit") == (
        KILLED
    )
    run = ingest(case, [single])
    assert [(f.records, f.parsed, f.duplicates) for f in run.files] == [(1600, 1600, 0)]
    manifest = json.loads((case / "manifest.json").read_text("utf-8"))
    assert [(f["records"], f["duplicates"]) for f in manifest["files"]] == [(1600, 0)]


def test_kill_after_commit_keeps_the_file_and_rerun_adds_nothing(
    tmp_path: Path, evidence: Path, clean: dict[str, list[tuple[object, ...]]]
) -> None:
    case = tmp_path / "case"
    for fault in ("publish:committed", "ingest:before-manifest", "ingest:before-finish"):
        assert forked(["ingest", "-q", str(evidence), "--case", str(case)], fault) == KILLED
        ingest(case, [evidence])
        assert tables(case) == clean, fault
    assert not (case / "ingest-staging.duckdb").exists()


def test_uninterrupted_case_reports_no_interruption(tmp_path: Path, evidence: Path) -> None:
    case = tmp_path / "case"
    assert forked(["ingest", "-q", str(evidence), "--case", str(case)]) == 0
    assert "interrupted at" not in _info(case)
    journal = runner.invoke(main.app, ["case", "info", "--case", str(case), "--json"])
    assert json.loads(journal.output)["interrupted_runs"] == []


def test_report_of_an_interrupted_case_says_so_at_the_top(tmp_path: Path, evidence: Path) -> None:
    """Nothing silent: the report of a case with an interrupted ingest names the run in
    report.html and summary.md, and the report of a case made good says nothing."""
    case = tmp_path / "case"
    assert forked(["ingest", "-q", str(evidence), "--case", str(case)], "ingest:batch#2") == KILLED
    result = runner.invoke(main.app, ["report", "--case", str(case), "--format", "html,md"])
    assert result.exit_code == 0, result.output
    page = (case / "report" / "report.html").read_text(encoding="utf-8")
    assert 'data-metric="interrupted_runs" data-value="1"' in page
    assert f"ingest of {evidence / 'b.csv'} interrupted at" in plain(page)
    summary = (case / "report" / "summary.md").read_text(encoding="utf-8")
    assert "INTERRUPTED RUN" in summary

    ingest(case, [evidence])
    runner.invoke(main.app, ["report", "--case", str(case), "--format", "html,md"])
    assert "interrupted_runs" not in (case / "report" / "report.html").read_text(encoding="utf-8")
    assert "INTERRUPTED" not in (case / "report" / "summary.md").read_text(encoding="utf-8")
