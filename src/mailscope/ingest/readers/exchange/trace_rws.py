"""Reporting Web Service ``MessageTrace`` report records (JSON lines, array, or OData wrapper).

The service returns ``TenantReporting.MessageTrace`` entities (Microsoft docs, "MessageTrace
report", Office 365 Reporting web service); exports keep one entity per line or the OData
envelope ``{"d": {"results": […]}}`` / ``{"value": […]}``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from mailscope.ingest.base import Bad, Item, Source
from mailscope.ingest.containers import decode_head, first_json_char, iter_json_records
from mailscope.ingest.readers.exchange.trace_row import is_trace_record, trace_item

NAME = "exchange_message_trace_json"


class MessageTraceJsonReader:
    """Message-trace entities as JSON."""

    name = NAME

    def sniff(self, head: bytes, filename: str) -> bool:
        if first_json_char(head) not in ("{", "["):
            return False
        sample = decode_head(head)
        return '"MessageTraceId"' in sample and '"RecipientAddress"' in sample

    def read(self, source: Source) -> Iterator[Item]:
        for line, record in iter_json_records(source):
            if isinstance(record, Bad):
                yield record
                continue
            for entry in _entries(record):
                if isinstance(entry, Mapping) and is_trace_record(entry):
                    yield trace_item(line, entry, NAME)
                else:
                    yield Bad(line, "not a message-trace record", str(entry)[: 1 << 20])


def _entries(record: object) -> list[object]:
    """OData v2 verbose responses wrap entities as ``{"d": {"results": […]}}``."""
    if isinstance(record, Mapping):
        inner = record.get("d")
        if isinstance(inner, Mapping) and isinstance(inner.get("results"), list):
            return list(inner["results"])
    return [record]
