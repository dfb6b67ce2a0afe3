"""Purview "Audit search" and ``Search-UnifiedAuditLog`` exports: rows carrying AuditData.

The newer Purview layout is ``RecordId,CreationDate,RecordType,Operation,UserId,AuditData,
AssociatedAdminUnits,…``; the classic cmdlet output is ``CreationDate,UserIds,Operations,
AuditData`` (sometimes with ``RecordType,ResultIndex,ResultCount,Identity,IsValid,
ObjectState``). Both hold the full record as JSON in the ``AuditData`` cell; the other
columns only fill fields the cell lacks. The same rows piped to ``ConvertTo-Json`` give the
JSON form, read by the Management API reader through :func:`search_row_item`.
Microsoft-Extractor-Suite's triage (``Start-MESTriage``, ``UAL-Operations-Combined.csv``) keeps
the cmdlet columns and puts the record in ``AuditData_Raw`` instead (``ConvertTo-Json
-Compress -Depth 5``), beside ``AuditData_UserId``, ``AuditData_ClientIP`` ….
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

import orjson

from mailscope.ingest.base import Bad, Item, Source
from mailscope.ingest.normalise import blank
from mailscope.ingest.readers.ual.columns import field_maps
from mailscope.ingest.readers.ual.keys import RecordKeys
from mailscope.ingest.readers.ual.reading import audit_item, csv_header, csv_items, raw_json


def search_row_item(
    line: int, row: Mapping[str, object], keys: RecordKeys, source_format: str
) -> Item:
    """One export row → item: AuditData decoded, missing fields taken from the columns."""
    cell = row.get("AuditData")
    if isinstance(cell, str):
        raw = cell
        try:
            data = orjson.loads(cell) if cell.strip() else {}
        except orjson.JSONDecodeError as error:
            return Bad(line, f"AuditData is not valid JSON: {error}", raw_json(dict(row)))
    else:
        data = cell if cell is not None else {}
        raw = raw_json(dict(row))
    if not isinstance(data, dict):
        return Bad(line, "AuditData is not a JSON object", raw_json(dict(row)))
    columns: dict[str, list[str]] = field_maps()["search_columns"]
    for target, names in columns.items():
        if blank(data.get(target)):
            value = next((row[n] for n in names if not blank(row.get(n))), None)
            if value is not None:
                data[target] = value
    return audit_item(line, data, keys=keys, source_format=source_format, raw=raw)


class SearchExportCsvReader:
    """A CSV export with an ``AuditData`` column; ``marker`` tells the two layouts apart."""

    bulk_shape = "ual-search-csv"  # large exports load in bulk (ingest/bulk/ual.py)

    def __init__(self, name: str, marker: str):
        self.name = name
        self._marker = marker

    def sniff(self, head: bytes, filename: str) -> bool:
        columns = csv_header(head)
        return "AuditData" in columns and self._marker in columns

    def read(self, source: Source) -> Iterator[Item]:
        keys = RecordKeys()
        return csv_items(source, lambda line, row: search_row_item(line, row, keys, self.name))

    def record_mapper(self) -> Callable[[int, object], Item]:
        """The per-record mapping for one file (its own record keys): the bulk path maps
        with it what its SQL cannot map exactly."""
        keys = RecordKeys()

        def item(line: int, row: object) -> Item:
            assert isinstance(row, Mapping)
            return search_row_item(line, row, keys, self.name)

        return item


class TriageCsvReader:
    """Extractor Suite triage CSV: cmdlet columns, the record in ``AuditData_Raw``."""

    name = "ual-extractor-suite-triage-csv"

    def sniff(self, head: bytes, filename: str) -> bool:
        columns = csv_header(head)
        return {"AuditData_Raw", "Operations"} <= columns and "AuditData" not in columns

    def read(self, source: Source) -> Iterator[Item]:
        keys = RecordKeys()

        def item(line: int, row: dict[str, str]) -> Item:
            record = {**row, "AuditData": row.get("AuditData_Raw", "")}
            return search_row_item(line, record, keys, self.name)

        return csv_items(source, item)


PURVIEW_CSV = SearchExportCsvReader("ual-purview-csv", "Operation")
SEARCH_UNIFIED_AUDIT_LOG_CSV = SearchExportCsvReader("ual-search-unifiedauditlog-csv", "Operations")
EXTRACTOR_TRIAGE_CSV = TriageCsvReader()
