"""Read CLI output the same at any terminal width: Rich wraps text inside its boxes."""

from __future__ import annotations

import re

_BOX = re.compile(r"[\u2500-\u257f]")  # box-drawing characters


def plain(output: str) -> str:
    """``output`` with box borders removed and every run of whitespace made one space."""
    return " ".join(_BOX.sub(" ", output).split())
