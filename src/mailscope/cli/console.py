"""Terminal output that never lets evidence strings drive the terminal."""

from __future__ import annotations

import re

from rich.console import Console, RenderableType
from rich.markup import escape
from rich.measure import Measurement
from rich.table import Table

from mailscope.errors import MailscopeError

# C0/C1 control characters (ESC, BEL, CSI …) except tab and newline; bidi overrides too.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


def safe_text(value: object) -> str:
    """Render an evidence value for a terminal: control sequences removed, Rich markup escaped."""
    return escape(_CONTROL.sub("", str(value)))


def print_error(error: MailscopeError) -> None:
    """Print a user-facing error on stderr: where, what, and what to do."""
    err_console.print(f"[bold red]error:[/] {safe_text(error)}")


def show(renderable: RenderableType) -> None:
    """Print a table whole at any terminal width: as a table when every word fits, else as
    one block of ``header: value`` lines per row (Rich would cut cells to "stat…")."""
    if not isinstance(renderable, Table) or _fits(renderable):
        console.print(renderable)
        return
    if renderable.title:
        console.print(renderable.title)
    columns = renderable.columns
    cells = [list(column.cells) for column in columns]
    for index in range(renderable.row_count):
        for column, values in zip(columns, cells, strict=True):
            label = str(column.header) if renderable.show_header else ""
            value = values[index] if index < len(values) else ""
            console.print(f"  {label}: " if label else "  ", value, sep="", end="\n")
        console.print()


def _fits(table: Table) -> bool:
    """Whether the table renders without breaking or cutting a word."""
    unbounded = console.options.update_width(100_000)
    return Measurement.get(console, unbounded, table).minimum <= console.width
