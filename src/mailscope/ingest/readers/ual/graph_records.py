"""Microsoft Graph ``security/auditLog/queries/{id}/records`` (auditLogRecord resources).

Each record has lowerCamel summary properties (``id, createdDateTime, auditLogRecordType,
operation, userPrincipalName, clientIp, service …``) and the original record in
``auditData``. Pages are ``{"value": […], "@odata.nextLink": …}``; exports may also be
arrays or JSON lines. Schema: learn.microsoft.com/graph/api/resources/security-auditlogrecord.
"""

from __future__ import annotations

from collections.abc import Iterator

from mailscope.ingest.base import Bad, Item, Source
from mailscope.ingest.readers.ual.auditdata import field_maps
from mailscope.ingest.readers.ual.keys import RecordKeys
from mailscope.ingest.readers.ual.properties import as_object
from mailscope.ingest.readers.ual.reading import (
    audit_item,
    has_key,
    json_head,
    json_records,
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
        renames: dict[str, str] = field_maps()["graph_renames"]
        for line, record in json_records(source):
            if isinstance(record, Bad):
                yield record
                continue
            raw = raw_json(record)
            if not isinstance(record, dict):
                yield Bad(line, "record is not a JSON object", raw)
                continue
            summary = renamed({k: v for k, v in record.items() if k != "auditData"}, renames)
            nested = as_object(record.get("auditData")) or {}
            data = {**summary, **{k: v for k, v in nested.items() if v not in (None, "")}}
            yield audit_item(
                line, data, keys=keys, source_format=self.name, raw=raw, key_content=record
            )


GRAPH_AUDIT_RECORDS = GraphAuditRecordsReader()
