"""Entra records as the Microsoft Graph PowerShell SDK writes them.

Hawk's ``Entra_Sign_In_Log_<user>.json`` (``Get-MgAuditLogSignIn``), ``EntraIDAuditLogs.json``
(``Get-MgAuditLogDirectoryAudit``) and ``EntraIDUsers.json`` (``Get-MgUser``) are SDK objects
piped to ``ConvertTo-Json``: the Graph properties in PascalCase (``CreatedDateTime``,
``IPAddress``, ``Status.ErrorCode``, ``InitiatedBy.User.UserPrincipalName``), properties the
SDK has no member for under ``AdditionalProperties`` (camelCase), and, from Windows
PowerShell 5, times as ``/Date(ms)/``. Keys are brought back to Graph's camelCase and each
record is routed like Graph JSON.

The same objects piped to ``Export-Csv`` (Hawk's ``.csv`` twins) keep only the scalar
properties: ``Status``, ``Location``, ``InitiatedBy`` and ``TargetResources`` become type names
(``Microsoft.Graph.PowerShell.Models.MicrosoftGraphSignInStatus``). Stored, such a sign-in
would have no outcome, and an audit no actor or target, and as the CSV sorts before its JSON
twin it would stand in for the full record. Each row is quarantined saying so.

Sniff (JSON): PascalCase ``CreatedDateTime``, ``ActivityDateTime`` or
``RiskLastUpdatedDateTime`` with an ``AdditionalProperties`` key, or a PascalCase user
(``UserPrincipalName``, ``Id``, ``AccountEnabled``), and no ``TimeGenerated`` (Sentinel rows
are PascalCase too).
Sniff (CSV): an ``AdditionalProperties`` column beside one of those times, and an SDK type
name (``Microsoft.Graph.PowerShell.Models.…``) in the file's head.
"""

from __future__ import annotations

from collections.abc import Iterator

import orjson

from mailscope.ingest.base import Bad, Item, Source
from mailscope.ingest.containers import decode_head, iter_csv_rows
from mailscope.ingest.readers.entra.route import route_json
from mailscope.ingest.readers.entra.sniffing import csv_header, has_keys, json_head
from mailscope.ingest.readers.powershell import is_lost

_EXTRA = "AdditionalProperties"
_SDK_TYPE = "Microsoft.Graph.PowerShell.Models."
_TIMES = ("CreatedDateTime", "ActivityDateTime", "RiskLastUpdatedDateTime")


def graph_keys(value: object) -> object:
    """SDK PascalCase → Graph camelCase, recursively; ``AdditionalProperties`` merged in."""
    if isinstance(value, list):
        return [graph_keys(item) for item in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, object] = {}
    for key, item in value.items():
        if key != _EXTRA:
            out[_camel(str(key))] = graph_keys(item)
    extra = value.get(_EXTRA)
    if isinstance(extra, dict):
        for key, item in extra.items():
            out.setdefault(str(key), item)
    return out


def _camel(key: str) -> str:
    """``IPAddress`` → ``ipAddress``; ``UserPrincipalName`` → ``userPrincipalName``."""
    if key.startswith("IP"):
        return "ip" + key[2:]
    return key[:1].lower() + key[1:]


class GraphSdkJsonReader:
    """Graph PowerShell SDK sign-in, directory-audit and user objects as JSON."""

    name = "entra_graph_sdk_json"

    def sniff(self, head: bytes, filename: str) -> bool:
        text = json_head(head)
        if text is None or has_keys(text, "TimeGenerated"):
            return False
        if has_keys(text, _EXTRA) and any(has_keys(text, key) for key in _TIMES):
            return True
        return has_keys(text, "UserPrincipalName", "Id", "AccountEnabled")

    def read(self, source: Source) -> Iterator[Item]:
        return route_json(source, self.name, graph_keys)


class GraphSdkCsvReader:
    """Graph PowerShell SDK objects flattened by ``Export-Csv``: recognised, quarantined."""

    name = "entra_graph_sdk_csv"

    def sniff(self, head: bytes, filename: str) -> bool:
        names = set(csv_header(head))
        if _EXTRA not in names or names.isdisjoint(_TIMES):
            return False
        return _SDK_TYPE in decode_head(head)

    def read(self, source: Source) -> Iterator[Item]:
        with source.open() as stream:
            for line, row in iter_csv_rows(stream):
                if isinstance(row, Bad):
                    yield row
                    continue
                lost = sorted(name for name, value in row.items() if is_lost(value))
                reason = (
                    "Graph PowerShell object flattened by Export-Csv"
                    + (f" ({', '.join(lost)} lost)" if lost else "")
                    + ": read the JSON export of the same records"
                )
                yield Bad(line, reason, orjson.dumps(row).decode())
