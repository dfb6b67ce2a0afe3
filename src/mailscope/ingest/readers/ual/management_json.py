"""Office 365 Management Activity API records as JSON lines or JSON arrays.

Also reads ``Search-UnifiedAuditLog | Select -ExpandProperty AuditData`` output (the same
objects) and ``Search-UnifiedAuditLog | ConvertTo-Json`` (objects wrapping an ``AuditData``
string). Schema: learn.microsoft.com/office/office-365-management-api/
office-365-management-activity-api-schema.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from mailscope.ingest.base import Bad, Item, Source
from mailscope.ingest.readers.ual.keys import RecordKeys
from mailscope.ingest.readers.ual.reading import (
    audit_item,
    has_key,
    json_head,
    json_records,
    raw_json,
)
from mailscope.ingest.readers.ual.search_export import search_row_item


class ManagementJsonReader:
    """AuditData objects, one per line or in an array."""

    name = "ual-management-json"
    bulk_shape = "ual-json-lines"  # large JSON-lines files load in bulk (ingest/bulk/ual.py)

    def sniff(self, head: bytes, filename: str) -> bool:
        text = json_head(head)
        if text is None:
            return False
        if has_key(text, "AuditData") and has_key(text, "CreationDate"):
            return True
        return (
            has_key(text, "CreationTime")
            and has_key(text, "Operation")
            and (has_key(text, "RecordType") or has_key(text, "Workload"))
        )

    def read(self, source: Source) -> Iterator[Item]:
        keys = RecordKeys()
        for line, record in json_records(source):
            yield record if isinstance(record, Bad) else self._item(line, record, keys)

    def record_mapper(self) -> Callable[[int, object], Item]:
        """The per-record mapping for one file (its own record keys): the bulk path maps
        with it what its SQL cannot map exactly."""
        keys = RecordKeys()
        return lambda line, record: self._item(line, record, keys)

    def _item(self, line: int, record: object, keys: RecordKeys) -> Item:
        if isinstance(record, Mapping) and "AuditData" in record:
            return search_row_item(line, record, keys, self.name)
        raw = raw_json(record)
        return audit_item(line, record, keys=keys, source_format=self.name, raw=raw)


MANAGEMENT_JSON = ManagementJsonReader()
