"""``mailscope investigate``: ingest, detect, scope and report in one go (the main job)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

import typer

from mailscope.cli.case_state import check_evidence, warn_interrupted
from mailscope.cli.console import console, err_console, safe_text, show
from mailscope.cli.engine_options import (
    ENGINE_OPTION,
    SPARK_CONF_OPTION,
    SPARK_MASTER_OPTION,
    engine_options,
)
from mailscope.cli.ingest_cmd import progress_bars
from mailscope.cli.scope_cmd import load_document, summary_table
from mailscope.errors import EmptyEvidenceError

if TYPE_CHECKING:
    from rich.status import Status

    from mailscope.ingest.results import Progress
    from mailscope.stages import Stage
    from mailscope.store.empty_evidence import EmptyEvidence


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
    engine: str = ENGINE_OPTION,
    spark_master: str | None = SPARK_MASTER_OPTION,
    spark_conf: list[str] = SPARK_CONF_OPTION,
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
    from mailscope.stages import STAGES, Options, empty_evidence, run_stages
    from mailscope.store.case import store_path

    if store_path(case).exists():
        check_evidence(case)
    screen = _Screen(quiet=quiet, total=len(STAGES))
    options = Options(
        evidence=tuple(evidence),
        intel=tuple(intel),
        sigma=tuple(sigma),
        rules=tuple(rules),
        **engine_options(engine, spark_master, spark_conf),
        on_progress=screen.on_progress,
        on_step=screen.on_step,
        on_interrupted=warn_interrupted,
    )
    results = run_stages(case, options, STAGES, around=screen.run)
    path = cast(Path, results["scope"])
    reports = cast(list[Path], results["report"])
    empty = empty_evidence(case)
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


def _warn(empty: EmptyEvidence) -> None:
    """The warning, first thing in the summary: what is missing and which files gave nothing."""
    headline, advice, *files = empty.lines()
    # Soft-wrapped: file paths stay whole (copyable) whatever the terminal width.
    console.print(f"[bold red]WARNING: {safe_text(headline)}[/]", soft_wrap=True)
    console.print(safe_text(advice), soft_wrap=True)
    for line in files:
        console.print(f"[red]  {safe_text(line)}[/]", soft_wrap=True)


@dataclass
class _Screen:
    """The terminal side of the stages on stderr: a heading, the wall time and the counts of
    each stage; progress bars while ingest runs, a status line while scope and report run."""

    quiet: bool
    total: int
    number: int = 0
    bars: Callable[[Progress], None] | None = None
    status: Status | None = None

    def run(self, stage: Stage, work: Callable[[], object]) -> object:
        self.number += 1
        err_console.print(f"[bold][{self.number}/{self.total}] {stage.name}[/]")
        started = time.perf_counter()
        with self._showing(stage.name):
            result = work()
        err_console.print(f"      {stage.name} done in {time.perf_counter() - started:.1f} s")
        line = _counts(result)
        if line:
            err_console.print(f"      {line}")
        return result

    @contextmanager
    def _showing(self, name: str) -> Iterator[None]:
        if name == "ingest":
            if self.quiet:
                yield
                return
            with progress_bars() as self.bars:
                yield
            self.bars = None
            return
        label = {"scope": "scope…", "report": "rendering reports…"}.get(name)
        if label is None:
            yield
            return
        with err_console.status(label) as self.status:
            yield
        self.status = None

    def on_progress(self, tick: Progress) -> None:
        if self.bars is not None:
            self.bars(tick)

    def on_step(self, step: str) -> None:
        if self.status is not None:
            self.status.update(f"scope: {step}…")


def _counts(result: object) -> str:
    """The line under a stage's heading: records read, or findings made."""
    from mailscope.detect.engine import DetectRun
    from mailscope.ingest.results import IngestRun

    if isinstance(result, IngestRun):
        return (
            f"{result.records:,} record(s), {result.quarantined:,} quarantined, "
            f"{result.skipped:,} skipped"
        )
    if isinstance(result, DetectRun):
        return f"{len(result.findings):,} finding(s)"
    return ""
