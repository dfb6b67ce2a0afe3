"""What every command says about the state of a case before its own output: runs a killed
process left unfinished, and a writer at work right now."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from mailscope.cli.console import err_console, safe_text

if TYPE_CHECKING:
    from mailscope.store.journal import Interruption


def warn_interrupted(found: list[Interruption]) -> None:
    """One warning line per interrupted run (on stderr, whole at any width)."""
    for interruption in found:
        err_console.print(
            f"[bold yellow]warning:[/] {safe_text(interruption.message)}", soft_wrap=True
        )


def check_evidence(case: Path) -> None:
    """For every stage: refuse (exit 8) when a recorded evidence file changed since it was
    ingested (size or mtime, no reading); warn when one is missing, since the stage reads
    the case, not the files."""
    from mailscope.store.locations import check_recorded

    warning = check_recorded(case)
    if warning is not None:
        err_console.print(f"[bold yellow]warning:[/] {safe_text(warning)}", soft_wrap=True)


def check_case(case: Path) -> list[Interruption]:
    """For read-only commands: warn about interrupted runs and a writer at work now."""
    from mailscope.store.case import open_case
    from mailscope.store.journal import interruptions
    from mailscope.store.lock import current_writer

    connection = open_case(case, read_only=True)
    try:
        found = interruptions(connection, case)
    finally:
        connection.close()
    warn_interrupted(found)
    writer = current_writer(case)
    if writer is not None:
        doing = f"; reading {writer.current}" if writer.current else ""
        err_console.print(
            f"[yellow]note:[/] case {safe_text(case)} is being written by "
            f"{safe_text(writer.describe())}{safe_text(doing)}; this shows what it has finished",
            soft_wrap=True,
        )
    return found
