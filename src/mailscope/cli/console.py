"""Terminal output that never lets evidence strings drive the terminal."""

from __future__ import annotations

import re

from rich.console import Console
from rich.markup import escape

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
