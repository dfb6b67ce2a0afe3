"""Entra diagnostic-settings records as streamed to an Event Hub or storage account.

Each record is ``{"time", "category", "operationName", "properties": {…}}``; files hold one
record per line, one ``{"records": […]}`` batch per line, or a JSON array / wrapper. The
category (SignInLogs, NonInteractiveUserSignInLogs, ServicePrincipalSignInLogs,
ManagedIdentitySignInLogs, AuditLogs, MicrosoftGraphActivityLogs, UserRiskEvents …) picks
the table record by record (learn.microsoft.com: entra/identity/monitoring-health/
howto-stream-logs-to-event-hub).

Sniff: a quoted ``"properties"`` key and ``"category": "<Entra log category>"``.
"""

from __future__ import annotations

from collections.abc import Iterator

from mailscope.ingest.base import Item, Source
from mailscope.ingest.readers.entra.route import route_json
from mailscope.ingest.readers.entra.sniffing import is_event_hub, json_head


class EventHubReader:
    """Event Hub / diagnostic-settings JSON of any Entra log category."""

    name = "entra_eventhub_json"

    def sniff(self, head: bytes, filename: str) -> bool:
        text = json_head(head)
        return text is not None and is_event_hub(text)

    def read(self, source: Source) -> Iterator[Item]:
        return route_json(source, self.name)
