"""Make invisible control characters in evidence strings visible as ``\\xNN`` text.

Evidence strings (user agents, subjects, rule names) may carry ANSI escape sequences or
bidirectional overrides meant to hide or reorder text. Reports show them as literal
escapes so an analyst sees exactly what the record held, and nothing drives a terminal.
"""

from __future__ import annotations

import re

# C0/C1 controls except tab, newline and CR; DEL; bidi embeddings, overrides and isolates.
_INVISIBLE = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(value: object) -> str:
    """``str(value)`` with control and bidi characters spelled out (``\\x1b``, ``\\u202e``)."""
    if value is None:
        return ""
    return _INVISIBLE.sub(_escape, str(value))


def one_line(value: object) -> str:
    """:func:`visible`, with line breaks and tabs folded to spaces (for cells and tickets)."""
    return " ".join(visible(value).split())
