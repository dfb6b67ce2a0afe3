"""Microsoft Sentinel / Log Analytics rows of Entra tables exported as CSV.

The portal export writes ``TimeGenerated [UTC]`` headers and ``5/20/2020, 6:19:04.423 PM``
times; columns a table holds in two types carry a type suffix (``Status_dynamic``,
``LocationDetails_dynamic``, ``DeviceDetail_dynamic``, ``…_string``); dynamic values are
JSON text. Headers are brought back to the table's column names and each row is routed
like a Sentinel JSON row (``Type`` column, else its keys).

Sniff: a header with ``TimeGenerated`` and the PascalCase columns of a sign-in, audit or
Graph request (see ``sentinel_json.MARKERS``), and no UAL CSV header.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from mailscope.ingest.base import Item, Row, Source
from mailscope.ingest.readers.entra.csv_rows import map_csv
from mailscope.ingest.readers.entra.route import map_record
from mailscope.ingest.readers.entra.sentinel_json import MARKERS
from mailscope.ingest.readers.entra.sniffing import (
    UAL_CSV_HEADERS,
    csv_header,
    log_analytics_column,
)

_PORTAL_TIME = re.compile(r"^\d{1,2}/\d{1,2}/\d{4}, ")


class SentinelCsvReader:
    """Sentinel Entra-table rows as a Log Analytics CSV export."""

    name = "entra_sentinel_csv"

    def sniff(self, head: bytes, filename: str) -> bool:
        names = {log_analytics_column(name) for name in csv_header(head)}
        if "TimeGenerated" not in names or not UAL_CSV_HEADERS.isdisjoint(names):
            return False
        return any(names.issuperset(keys) for keys in MARKERS)

    def read(self, source: Source) -> Iterator[Item]:
        return map_csv(source, self._row)

    def _row(self, row: dict[str, str], raw: str) -> Row:
        return map_record(table_row(row), raw, self.name)


def table_row(row: dict[str, str]) -> dict[str, str]:
    """The row under the table's own column names, with times ``parse_time`` reads.

    When a column comes in two typed variants, the non-empty one wins.
    """
    out: dict[str, str] = {}
    for header, value in row.items():
        name = log_analytics_column(header)
        if value and _PORTAL_TIME.match(value):
            value = value.replace(",", "", 1)
        if value or name not in out:
            out[name] = value
    return out
