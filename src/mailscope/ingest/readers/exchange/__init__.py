"""Readers for Exchange Online exports (message trace, inbox and transport rules);
``READERS`` lists them in sniffing order (most specific first)."""

from __future__ import annotations

from mailscope.ingest.base import Reader
from mailscope.ingest.readers.exchange.inbox_rules import (
    GooseInboxRulesReader,
    InboxRulesCsvReader,
    InboxRulesJsonReader,
)
from mailscope.ingest.readers.exchange.trace_csv import MessageTraceCsvReader
from mailscope.ingest.readers.exchange.trace_rws import MessageTraceJsonReader
from mailscope.ingest.readers.exchange.transport_rules import (
    TransportRulesCsvReader,
    TransportRulesJsonReader,
)

READERS: tuple[Reader, ...] = (
    MessageTraceJsonReader(),
    MessageTraceCsvReader(),
    TransportRulesJsonReader(),
    GooseInboxRulesReader(),
    InboxRulesJsonReader(),
    TransportRulesCsvReader(),
    InboxRulesCsvReader(),
)
