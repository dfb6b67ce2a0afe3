"""``mailscope ingest``: evidence files and folders into a case store."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from mailscope.cli.console import console, err_console, safe_text
from mailscope.ingest.pipeline import FileResult, IngestRun, ingest
from mailscope.ingest.pipeline import Progress as Tick


def register(app: typer.Typer) -> None:
    """Add the ``ingest`` command."""
    app.command("ingest")(ingest_command)


def ingest_command(
    evidence: list[Path] = typer.Argument(
        ..., exists=True, help="Evidence files, folders or .zip archives."
    ),
    case: Path = typer.Option(..., "--case", help="Case folder (created if missing)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bars."),
) -> None:
    """Read evidence (audit logs, sign-ins, directories, mailboxes) into the case store."""
    run = run_ingest(case, evidence, quiet=quiet)
    console.print(summary_table(run.files, title=f"Ingested into {safe_text(case)}"))
    if run.quarantined:
        console.print(
            f"[yellow]{run.quarantined:,} record(s) quarantined[/]: "
            f"see 'mailscope case info --case {safe_text(case)}'"
        )


def run_ingest(case: Path, evidence: list[Path], *, quiet: bool = False) -> IngestRun:
    """Ingest with a Rich progress bar per file (bytes and records) unless ``quiet``."""
    if quiet:
        return ingest(case, evidence)
    columns = (
        TextColumn("{task.description}", justify="left"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TextColumn("{task.fields[records]:>10,} records"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err_console, transient=False) as progress:
        tasks: dict[str, TaskID] = {}

        def on_progress(tick: Tick) -> None:
            task = tasks.get(tick.path)
            if task is None:
                label = safe_text(Path(tick.path.split("!")[-1]).name)[:40]
                task = progress.add_task(label, total=tick.total_bytes, records=0)
                tasks[tick.path] = task
            progress.update(task, completed=tick.bytes_read, records=tick.records)

        return ingest(case, evidence, on_progress=on_progress)


def summary_table(files: list[FileResult], *, title: str) -> Table:
    """File, detected format, records, quarantined, duplicates, seconds, with a total row."""
    table = Table(title=title, show_footer=False)
    for name, justify in (
        ("file", "left"),
        ("format", "left"),
        ("records", "right"),
        ("quarantined", "right"),
        ("duplicates", "right"),
        ("seconds", "right"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for entry in files:
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
            f"{entry.duplicates:,}",
            f"{entry.seconds:.2f}",
        )
    table.add_section()
    table.add_row(
        f"{len(files)} file(s)",
        "",
        f"{sum(f.records for f in files):,}",
        f"{sum(f.quarantined for f in files):,}",
        f"{sum(f.duplicates for f in files):,}",
        f"{sum(f.seconds for f in files):.2f}",
    )
    return table


def _short(path: str, limit: int = 70) -> str:
    return path if len(path) <= limit else "…" + path[-(limit - 1) :]
