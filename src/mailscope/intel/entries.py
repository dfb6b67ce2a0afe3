"""What reading one IOC file found: indicators, entries skipped and why, entries refused.

Every reader (CSV, MISP JSON, STIX) hands each entry to :meth:`Entries.add`; a bad entry is
recorded with its file and line and the rest of the file is still read (pySigma's
collect-errors mode). Whether a refused entry fails the whole file is the caller's choice.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from mailscope.errors import RuleError, Where
from mailscope.intel.ioc import Indicator, make_indicator
from mailscope.intel.vocabulary import resolve_type

_FALSE = frozenset({"0", "false", "no", "n"})


@dataclass
class Entries:
    """Indicators read so far, skipped entries (``where: why``) and refused entries."""

    indicators: list[Indicator] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    errors: list[RuleError] = field(default_factory=list)
    not_hunted: Counter[str] = field(default_factory=Counter)

    def add(self, type_text: str, value: str, *, where: Where, **fields: object) -> None:
        """Resolve, validate and keep one entry, or record why not."""
        if not value.strip():
            self.skip(where, f"no value (type {type_text.strip()!r})")
            return
        try:
            resolved = resolve_type(type_text, value, location=where)
            if resolved.kind is None:
                self.not_hunted[resolved.family] += 1
                self.skip(
                    where, f"{type_text.strip()} {_short(value)!r}: {resolved.family}, not hunted"
                )
                return
            self.indicators.append(
                make_indicator(resolved.kind, resolved.value, location=where, **fields)
            )
        except RuleError as error:
            self.errors.append(error)

    def skip(self, where: Where, reason: str) -> None:
        """Record an entry that is read but not imported."""
        self.skipped.append(f"{where}: {reason}")

    def refuse(self, error: RuleError) -> None:
        """Record an entry that cannot be read at all."""
        self.errors.append(error)


def ids_strength(flag: object) -> str:
    """MISP's IDS flag off means the author did not mean the value for detection (MISP core
    format, ``to_ids``): such an entry only corroborates other matches."""
    return "corroborating" if str(flag).strip().lower() in _FALSE else "strong"


def line_of(text: str, key: str, identifier: str) -> int | None:
    """The 1-based line of ``"key": "identifier"`` in a JSON document, if it is there."""
    match = re.search(rf'"{re.escape(key)}"\s*:\s*"{re.escape(identifier)}"', text)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _short(value: str) -> str:
    value = value.strip()
    return value if len(value) <= 80 else value[:77] + "..."
