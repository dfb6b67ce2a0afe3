"""One normalised table row, as readers yield it and the store writes it."""

from __future__ import annotations

from dataclasses import dataclass

RowValues = dict[str, object]


@dataclass(frozen=True, slots=True)
class Row:
    """One normalised row for ``table``; ``values['record_key']`` is its de-duplication key."""

    table: str
    values: RowValues
