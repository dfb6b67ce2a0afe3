"""Microsoft Sentinel / Log Analytics rows of Entra tables exported as JSON or JSON lines.

Tables: ``SigninLogs``, ``AADNonInteractiveUserSignInLogs``, ``AADServicePrincipalSignInLogs``,
``AADManagedIdentitySignInLogs``, ``AuditLogs``, ``MicrosoftGraphActivityLogs`` (and the
risk / provisioning tables, kept in ``directory_audits``). Columns are PascalCase; nested
values (``Status``, ``LocationDetails``, ``InitiatedBy``, ``TargetResources`` …) may be JSON
text (learn.microsoft.com: azure/azure-monitor/reference/tables/signinlogs, auditlogs,
microsoftgraphactivitylogs).

Sniff: ``"TimeGenerated"`` with ``"Type": "<Entra table>"``, or with the PascalCase keys of
a sign-in (``UserPrincipalName`` + ``AppDisplayName`` + ``ResultType``), an audit
(``ActivityDisplayName`` + ``InitiatedBy``) or a Graph request (``RequestUri`` +
``RequestMethod``).
"""

from __future__ import annotations

from collections.abc import Iterator

from mailscope.ingest.base import Item, Source
from mailscope.ingest.readers.entra.route import route_json
from mailscope.ingest.readers.entra.sniffing import has_keys, is_sentinel_type, json_head

MARKERS = (
    ("UserPrincipalName", "AppDisplayName", "ResultType"),
    ("ActivityDisplayName", "InitiatedBy"),
    ("RequestUri", "RequestMethod"),
)


class SentinelJsonReader:
    """Sentinel Entra-table rows as JSON (array, wrapper or lines)."""

    name = "entra_sentinel_json"

    def sniff(self, head: bytes, filename: str) -> bool:
        text = json_head(head)
        if text is None or not has_keys(text, "TimeGenerated"):
            return False
        return is_sentinel_type(text) or any(has_keys(text, *keys) for keys in MARKERS)

    def read(self, source: Source) -> Iterator[Item]:
        return route_json(source, self.name)
