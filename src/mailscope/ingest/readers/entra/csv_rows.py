"""Map every row of an Entra CSV export with one mapper; unusable rows are quarantined.

The raw text kept for a row is its cells as a JSON object keyed by the original headers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import orjson

from mailscope.ingest.base import Bad, Item, Parsed, Source
from mailscope.ingest.containers import iter_csv_rows
from mailscope.model.row import Row

RowMapper = Callable[[dict[str, str], str], Row]


def map_csv(source: Source, mapper: RowMapper) -> Iterator[Item]:
    """One item per CSV row: ``mapper(row, raw)`` or the quarantined row."""
    with source.open() as stream:
        for line, row in iter_csv_rows(stream):
            if isinstance(row, Bad):
                yield row
                continue
            raw = orjson.dumps(row).decode("utf-8")
            try:
                yield Parsed(line, (mapper(row, raw),))
            except Bad as bad:
                yield bad.at(line, raw)
