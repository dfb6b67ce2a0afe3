"""One normalised table row, as readers yield it and the store writes it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

RowValues = dict[str, object]


@dataclass(frozen=True, slots=True)
class Row:
    """One normalised row for ``table``; ``values['record_key']`` is its de-duplication key.

    ``values`` is the table's typed row (``model/tables.py``, e.g. ``SigninsRow``) where a
    reader builds it by hand, so a misspelt or mistyped column fails ``mypy --strict``; the
    UAL mapping builds it from its declarations (``ingest/readers/ual/columns.py``)."""

    table: str
    values: Mapping[str, object]

    def stamp(self, sha256: str, line: int) -> None:
        """Add the evidence file and line unless the reader set them."""
        values = self.values
        assert isinstance(values, dict)  # every row is built as a dict
        values.setdefault("source_sha256", sha256)
        values.setdefault("source_line", line)
