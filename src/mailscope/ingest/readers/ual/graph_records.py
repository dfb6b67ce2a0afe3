"""Microsoft Graph ``security/auditLog/queries/{id}/records`` (auditLogRecord resources).

Each record has lowerCamel summary properties (``id, createdDateTime, auditLogRecordType,
operation, userPrincipalName, clientIp, service …``) and the original record in
``auditData``. Pages are ``{"value": […], "@odata.nextLink": …}``; exports may also be
arrays or JSON lines. Microsoft-Extractor-Suite ``Get-UALGraph -Output CSV`` writes the
summary properties as columns and ``auditData`` as JSON text in a cell. Schema:
learn.microsoft.com/graph/api/resources/security-auditlogrecord.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from mailscope.ingest.base import Item, Source
from mailscope.ingest.readers.ual.columns import field_maps
from mailscope.ingest.readers.ual.keys import RecordKeys
from mailscope.ingest.readers.ual.properties import as_object
from mailscope.ingest.readers.ual.reading import (
    audit_item,
    csv_header,
    csv_items,
    has_key,
    json_head,
    json_object_items,
    raw_json,
)
from mailscope.ingest.readers.ual.renames import renamed


class GraphAuditRecordsReader:
    """auditLogRecord objects: summary columns merged under the nested ``auditData``."""

    name = "ual-graph-auditlog-records"

    def sniff(self, head: bytes, filename: str) -> bool:
        text = json_head(head)
        return text is not None and (
            has_key(text, "auditLogRecordType")
            or (has_key(text, "auditData") and has_key(text, "createdDateTime"))
        )

    def read(self, source: Source) -> Iterator[Item]:
        keys = RecordKeys()
        return json_object_items(
            source, lambda line, record: graph_record_item(line, record, keys, self.name)
        )


class GraphAuditCsvReader:
    """auditLogRecord summary columns with ``auditData`` as JSON text (Extractor Suite CSV)."""

    name = "ual-graph-auditlog-csv"

    def sniff(self, head: bytes, filename: str) -> bool:
        columns = csv_header(head)
        return {"auditData", "auditLogRecordType", "operation"} <= columns

    def read(self, source: Source) -> Iterator[Item]:
        keys = RecordKeys()
        return csv_items(source, lambda line, row: graph_record_item(line, row, keys, self.name))


def graph_record_item(
    line: int, record: Mapping[str, object], keys: RecordKeys, source_format: str
) -> Item:
    """One auditLogRecord → item: the nested ``auditData`` over the renamed summary."""
    renames: dict[str, str] = field_maps()["graph_renames"]
    summary = renamed({k: v for k, v in record.items() if k != "auditData"}, renames)
    nested = as_object(record.get("auditData")) or {}
    data = {**summary, **{k: v for k, v in nested.items() if v not in (None, "")}}
    raw = raw_json(dict(record))
    return audit_item(
        line, data, keys=keys, source_format=source_format, raw=raw, key_content=dict(record)
    )


GRAPH_AUDIT_RECORDS = GraphAuditRecordsReader()
GRAPH_AUDIT_CSV = GraphAuditCsvReader()
