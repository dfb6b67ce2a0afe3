"""``Get-MessageTrace | Export-Csv`` (and ``Get-MessageTraceV2``) exports.

Columns: ``Received,SenderAddress,RecipientAddress,Subject,Status,ToIP,FromIP,Size,
MessageId,MessageTraceId`` (Microsoft docs, "Get-MessageTrace"), sometimes with
``Organization``, ``StartDate``, ``EndDate``, ``Index``.
"""

from __future__ import annotations

from collections.abc import Iterator

from mailscope.ingest.base import Bad, Item, Source
from mailscope.ingest.readers.exchange.powershell_csv import header_cells, iter_export_rows
from mailscope.ingest.readers.exchange.trace_row import trace_item

NAME = "exchange_message_trace_csv"
_REQUIRED = frozenset({"Received", "SenderAddress", "RecipientAddress", "MessageTraceId"})


class MessageTraceCsvReader:
    """Message trace as a PowerShell CSV export."""

    name = NAME

    def sniff(self, head: bytes, filename: str) -> bool:
        return set(header_cells(head)) >= _REQUIRED

    def read(self, source: Source) -> Iterator[Item]:
        for line, row in iter_export_rows(source):
            yield row if isinstance(row, Bad) else trace_item(line, row, NAME)
