"""Microsoft Graph JSON of Entra: ``auditLogs/signIns`` (v1.0 and beta; interactive,
non-interactive, service principal, managed identity), ``auditLogs/directoryAudits``,
``identityProtection/riskDetections`` and ``users``; also the Entra portal's sign-in
"Download JSON", which writes the same objects.

Files are arrays (Microsoft-Extractor-Suite, ``ConvertTo-Json``; often with a BOM),
``{"@odata.context": …, "value": […]}`` pages, or JSON lines; a file may mix object kinds,
so each record is routed on its own keys.

Sniff (camelCase keys): ``createdDateTime`` + ``appId``, ``uniqueTokenIdentifier``,
``signInEventTypes``, ``activityDisplayName``, ``requestUri`` + ``requestMethod``,
``riskEventType``, or ``userPrincipalName`` with a user-profile key (``jobTitle``,
``officeLocation``, ``accountEnabled``, ``businessPhones``) or an ``…#users`` context.
Graph ``application`` and ``servicePrincipal`` objects (Untitled Goose Tool's
``applications.json``, ``servicePrincipals.json``) carry ``createdDateTime`` and ``appId``
too: a head with their keys (``signInAudience``, ``servicePrincipalType`` …) and no sign-in
key is not claimed.
"""

from __future__ import annotations

from collections.abc import Iterator

from mailscope.ingest.base import Item, Source
from mailscope.ingest.readers.entra.route import route_json
from mailscope.ingest.readers.entra.sniffing import any_keys, has_keys, json_head

_RECORD_KEYS = (
    ("createdDateTime", "appId"),
    ("uniqueTokenIdentifier",),
    ("signInEventTypes",),
    ("activityDisplayName",),
    ("requestUri", "requestMethod"),
    ("riskEventType",),
)
_PROFILE_KEYS = ("jobTitle", "officeLocation", "accountEnabled", "businessPhones")
_APP_OBJECT_KEYS = ("signInAudience", "requiredResourceAccess", "servicePrincipalType")
_SIGNIN_KEYS = ("ipAddress", "uniqueTokenIdentifier", "signInEventTypes")


class GraphJsonReader:
    """Graph ``signIns`` / ``directoryAudits`` / ``users`` JSON and the portal JSON download."""

    name = "entra_graph_json"

    def sniff(self, head: bytes, filename: str) -> bool:
        text = json_head(head)
        if text is None:
            return False
        if any_keys(text, _APP_OBJECT_KEYS) and not any_keys(text, _SIGNIN_KEYS):
            return False
        if any(has_keys(text, *keys) for keys in _RECORD_KEYS):
            return True
        return has_keys(text, "userPrincipalName") and (
            any_keys(text, _PROFILE_KEYS) or "#users" in text
        )

    def read(self, source: Source) -> Iterator[Item]:
        return route_json(source, self.name)
