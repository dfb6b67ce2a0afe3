"""``mailscope ingest``: evidence files and folders into a case store."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from mailscope.cli.console import console, err_console, safe_text, show
from mailscope.ingest.results import FileResult

if TYPE_CHECKING:
    from mailscope.ingest.results import IngestRun
    from mailscope.ingest.results import Progress as Tick

SMALL_FILE = 1 << 20  # files below this share one progress bar


def register(app: typer.Typer) -> None:
    """Add the ``ingest`` command."""
    app.command("ingest")(ingest_command)


def ingest_command(
    evidence: list[Path] = typer.Argument(
        ..., exists=True, help="Evidence files, folders or .zip archives."
    ),
    case: Path = typer.Option(..., "--case", help="Case folder (created if missing)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bars."),
    accept_changed: bool = typer.Option(
        False,
        "--accept-changed",
        help="Add evidence files that changed since they were ingested as new evidence "
        "(the old entries are kept).",
    ),
) -> None:
    """Read evidence (audit logs, sign-ins, directories, mailboxes) into the case store."""
    from mailscope.ingest.results import ANOTHER_LOCATION

    run = run_ingest(case, evidence, quiet=quiet, accept_changed=accept_changed)
    for interruption in run.interrupted:
        err_console.print(
            f"[yellow]found an interrupted run:[/] {safe_text(interruption.message)}; "
            "its partly read file was discarded and is read again when named",
            soft_wrap=True,
        )
    show(summary_table(run.files, title=f"Ingested into {safe_text(case)}"))
    print_skipped(run.files)
    print_locations([(f.path, f.note) for f in run.files if f.status == ANOTHER_LOCATION])
    if run.quarantined:
        console.print(
            f"[yellow]{run.quarantined:,} record(s) quarantined[/]: "
            f"see 'mailscope case info --case {safe_text(case)}'"
        )


def run_ingest(
    case: Path, evidence: list[Path], *, quiet: bool = False, accept_changed: bool = False
) -> IngestRun:
    """Ingest with a Rich progress bar per file (bytes and records) unless ``quiet``."""
    from mailscope.stages import Options, ingest

    options = Options(evidence=tuple(evidence), accept_changed=accept_changed)
    if quiet:
        return ingest(case, options)
    with progress_bars() as on_progress:
        return ingest(case, replace(options, on_progress=on_progress))


@contextmanager
def progress_bars() -> Iterator[Callable[[Tick], None]]:
    """Progress bars on stderr while the block runs: one per large file (bytes, records,
    speed, ETA), one for all small files; yields the function that takes ingest's ticks."""
    columns = (
        TextColumn("{task.description}", justify="left"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TextColumn("{task.fields[records]:>10,} records"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=err_console, transient=False) as progress:
        tasks: dict[str, TaskID] = {}

        small = {"bytes": 0, "records": 0}

        def on_progress(tick: Tick) -> None:
            if tick.total_bytes < SMALL_FILE and tick.done:
                # One bar for all small files (one message per file in mailbox exports).
                small["bytes"] += tick.total_bytes
                small["records"] += tick.records
                if "small" not in tasks:
                    tasks["small"] = progress.add_task("small files", total=None, records=0)
                progress.update(tasks["small"], completed=small["bytes"], records=small["records"])
                return
            if tick.total_bytes < SMALL_FILE:
                return
            task = tasks.get(tick.path)
            if task is None:
                label = safe_text(Path(tick.path.split("!")[-1]).name)[:40]
                task = progress.add_task(label, total=tick.total_bytes, records=0)
                tasks[tick.path] = task
            progress.update(task, completed=tick.bytes_read, records=tick.records)

        yield on_progress


def summary_table(files: list[FileResult], *, title: str) -> Table:
    """File, detected format, records, quarantined, skipped, duplicates, seconds, with a
    total row."""
    table = Table(title=title, show_footer=False)
    for name, justify in (
        ("file", "left"),
        ("format", "left"),
        ("records", "right"),
        ("quarantined", "right"),
        ("skipped", "right"),
        ("duplicates", "right"),
        ("seconds", "right"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for entry in _condensed(files):
        shown = (
            entry.format
            if entry.status == "ingested"
            else f"{entry.format} ({entry.status})".strip()
        )
        table.add_row(
            safe_text(_short(entry.path)),
            safe_text(shown),
            f"{entry.records:,}",
            f"[yellow]{entry.quarantined:,}[/]" if entry.quarantined else "0",
            f"{entry.skipped:,}",
            f"{entry.duplicates:,}",
            f"{entry.seconds:.2f}",
        )
    table.add_section()
    table.add_row(
        f"{len(files)} file(s)",
        "",
        f"{sum(f.records for f in files):,}",
        f"{sum(f.quarantined for f in files):,}",
        f"{sum(f.skipped for f in files):,}",
        f"{sum(f.duplicates for f in files):,}",
        f"{sum(f.seconds for f in files):.2f}",
    )
    return table


def print_skipped(files: list[FileResult], *, limit: int = 50) -> None:
    """One line per file and reason for records recognised but not analysed (not stored)."""
    lines = [
        (entry.path, reason, count)
        for entry in files
        for reason, count in sorted(entry.skipped_reasons.items())
    ]
    if not lines:
        return
    total = sum(entry.skipped for entry in files)
    console.print(f"{total:,} record(s) skipped: recognised, but data mailscope does not analyse")
    for path, reason, count in lines[:limit]:
        console.print(
            f"  skipped {safe_text(path)}: {safe_text(reason)}: {count:,}", soft_wrap=True
        )
    if len(lines) > limit:
        console.print(f"  … and {len(lines) - limit:,} more (see manifest.json)")


def print_locations(lines: list[tuple[str, str]], *, limit: int = 50) -> None:
    """One line per path that holds the same bytes as evidence already in the case."""
    if not lines:
        return
    console.print(
        f"{len(lines):,} file(s) with the same content as evidence at another path: "
        "one evidence item each, recorded as another location, not read again"
    )
    for path, what in lines[:limit]:
        console.print(f"  {safe_text(path)}: {safe_text(what)}", soft_wrap=True)
    if len(lines) > limit:
        console.print(f"  … and {len(lines) - limit:,} more (see manifest.json)")


def _condensed(files: list[FileResult], *, limit: int = 30) -> list[FileResult]:
    """Long listings (a mailbox export is one file per message) fold small clean files.

    Files with quarantined or skipped records or many records keep their own row; the rest are
    summed per format and status into one row naming their common folder.
    """
    if len(files) <= limit:
        return files
    shown: list[FileResult] = []
    folded: dict[tuple[str, str], list[FileResult]] = {}
    for entry in files:
        if entry.quarantined or entry.skipped or entry.records >= 1_000:
            shown.append(entry)
        else:
            folded.setdefault((entry.format, entry.status), []).append(entry)
    for (fmt, status), group in sorted(folded.items()):
        if len(group) == 1:
            shown.extend(group)
            continue
        folder = os.path.commonpath([entry.path.split("!")[0] for entry in group])
        shown.append(
            FileResult(
                path=f"{len(group):,} files under {folder}",
                sha256="",
                bytes=sum(entry.bytes for entry in group),
                format=fmt,
                records=sum(entry.records for entry in group),
                quarantined=0,
                duplicates=sum(entry.duplicates for entry in group),
                seconds=sum(entry.seconds for entry in group),
                status=status,
            )
        )
    return shown


def _short(path: str, limit: int = 70) -> str:
    return path if len(path) <= limit else "…" + path[-(limit - 1) :]
