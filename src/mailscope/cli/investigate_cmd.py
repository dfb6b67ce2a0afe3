"""``mailscope investigate``: ingest, detect, scope and report in one go (the main job)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import typer

from mailscope.cli.case_state import check_evidence
from mailscope.cli.console import console, err_console, safe_text, show
from mailscope.cli.ingest_cmd import run_ingest
from mailscope.cli.scope_cmd import load_document, summary_table
from mailscope.errors import EmptyEvidenceError

if TYPE_CHECKING:
    from mailscope.store.empty_evidence import EmptyEvidence

T = TypeVar("T")
STAGES = 4


def register(app: typer.Typer) -> None:
    """Add the ``investigate`` command."""
    app.command("investigate")(investigate_command)


def investigate_command(
    evidence: list[Path] = typer.Argument(..., help="Evidence files, folders or .zip archives."),
    case: Path = typer.Option(..., "--case", help="Case folder (created if missing)."),
    intel: list[Path] = typer.Option([], "--intel", help="IOC file (STIX 2.1 bundle, CSV, TXT)."),
    sigma: list[Path] = typer.Option([], "--sigma", help="Sigma rule file or folder."),
    rules: list[Path] = typer.Option([], "--rules", help="Folder of user rules."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bars."),
    allow_empty: bool = typer.Option(
        False,
        "--allow-empty",
        help="Exit 0 even when no record could be read or the case holds no mailbox access.",
    ),
) -> None:
    """Ingest evidence, run detections, scope the intrusion and write the reports.

    Exits 6 (after writing the reports, which say why) when no record could be read from
    any file or the case holds no mailbox-access evidence, unless --allow-empty is given.
    """
    from mailscope.detect.engine import detect_case
    from mailscope.store.case import store_path
    from mailscope.store.journal import journalled_run

    if store_path(case).exists():
        check_evidence(case)
    run = _stage(1, "ingest", lambda: run_ingest(case, evidence, quiet=quiet))
    for interruption in run.interrupted:
        err_console.print(f"      earlier run: {safe_text(interruption.message)}", soft_wrap=True)
    err_console.print(
        f"      {run.records:,} record(s), {run.quarantined:,} quarantined, {run.skipped:,} skipped"
    )
    with journalled_run(case, "detect"):
        detected = _stage(
            2,
            "detect",
            lambda: detect_case(case, rules_dirs=rules, sigma_paths=sigma, intel_paths=intel),
        )
    err_console.print(f"      {len(detected.findings):,} finding(s)")
    with journalled_run(case, "scope"):
        path = _stage(3, "scope", lambda: _scope(case))
    reports = _stage(4, "report", lambda: _report(case))
    empty = _empty(case)
    if empty is not None:
        _warn(empty)
    show(summary_table(load_document(path)))
    html = next((p for p in reports if p.suffix == ".html"), None)
    console.print(f"scope: {safe_text(path)}")
    if html is not None:
        console.print(f"report: {safe_text(html)}")
    if empty is not None and not allow_empty:
        raise EmptyEvidenceError(
            empty.headline,
            location=str(case),
            hint="add the evidence named above, or pass --allow-empty to accept this result",
        )


def _empty(case: Path) -> EmptyEvidence | None:
    from mailscope.store.case import open_case
    from mailscope.store.empty_evidence import empty_evidence

    connection = open_case(case, read_only=True)
    try:
        return empty_evidence(connection)
    finally:
        connection.close()


def _warn(empty: EmptyEvidence) -> None:
    """The warning, first thing in the summary: what is missing and which files gave nothing."""
    headline, advice, *files = empty.lines()
    # Soft-wrapped: file paths stay whole (copyable) whatever the terminal width.
    console.print(f"[bold red]WARNING: {safe_text(headline)}[/]", soft_wrap=True)
    console.print(safe_text(advice), soft_wrap=True)
    for line in files:
        console.print(f"[red]  {safe_text(line)}[/]", soft_wrap=True)


def _stage(number: int, name: str, work: Callable[[], T]) -> T:
    """Run one stage with a heading and its wall time on stderr."""
    err_console.print(f"[bold][{number}/{STAGES}] {name}[/]")
    started = time.perf_counter()
    result = work()
    err_console.print(f"      {name} done in {time.perf_counter() - started:.1f} s")
    return result


def _scope(case: Path) -> Path:
    from mailscope.scope.run import scope_case

    with err_console.status("scope…") as status:
        return scope_case(case, on_step=lambda step: status.update(f"scope: {step}…"))


def _report(case: Path) -> list[Path]:
    from mailscope.report.render import report_case  # lazy: templates load only when needed

    with err_console.status("rendering reports…"):
        return report_case(case)
