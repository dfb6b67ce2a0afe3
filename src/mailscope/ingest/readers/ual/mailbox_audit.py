"""``Search-MailboxAuditLog -ShowDetails | Export-Csv``: the legacy per-mailbox audit log.

Microsoft-Extractor-Suite ``Get-MailboxAuditLogLegacy`` writes one file per mailbox
(``…-mailboxAuditLog-<upn>.csv``). Columns (Microsoft docs, "Search-MailboxAuditLog"):
``Operation, OperationResult, LogonType, ExternalAccess, FolderPathName,
DestFolderPathName, ClientInfoString, ClientIPAddress, ClientMachineName,
ClientProcessName, ClientVersion, MailboxOwnerUPN, MailboxGuid, LogonUserDisplayName,
LogonUserSid, ItemSubject, SourceItemSubjectsList, MailboxResolvedOwnerName, LastAccessed``
…; records have no id. ``LastAccessed`` is written in the exporting session's culture
(``6/12/2023 3:14:15 AM``) and read as UTC. The actor is named by display name only, so a
non-owner logon's ``user_id`` is that name; an owner logon's is the mailbox owner's UPN.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from mailscope.ingest.base import Item, Source
from mailscope.ingest.normalise import pick
from mailscope.ingest.readers.ual.keys import RecordKeys
from mailscope.ingest.readers.ual.reading import audit_item, csv_header, csv_items, raw_json

_REQUIRED = frozenset({"LastAccessed", "Operation", "LogonType", "MailboxOwnerUPN"})


def mailbox_audit_record(row: Mapping[str, str]) -> dict[str, object]:
    """The AuditData-like record of one mailbox audit log entry."""
    owner = row.get("MailboxOwnerUPN", "")
    logon = row.get("LogonType", "")
    actor = owner if logon.strip().lower() == "owner" else row.get("LogonUserDisplayName")
    data: dict[str, object] = {
        "CreationTime": row.get("LastAccessed"),
        "Operation": row.get("Operation"),
        "Workload": "Exchange",
        "ResultStatus": row.get("OperationResult"),
        "LogonType": logon,
        "UserId": actor,
        "MailboxOwnerUPN": owner,
        "MailboxGuid": row.get("MailboxGuid"),
        "ClientIPAddress": row.get("ClientIPAddress"),
        "ClientInfoString": pick(row, "ClientInfoString", "ClientProcessName"),
        "ObjectId": pick(row, "FolderPathName", "DestFolderPathName"),
    }
    return {key: value for key, value in data.items() if value not in (None, "")}


class MailboxAuditLogCsvReader:
    """Legacy mailbox audit log entries as CSV."""

    name = "ual-mailbox-auditlog-csv"

    def sniff(self, head: bytes, filename: str) -> bool:
        return csv_header(head) >= _REQUIRED

    def read(self, source: Source) -> Iterator[Item]:
        keys = RecordKeys()

        def item(line: int, row: dict[str, str]) -> Item:
            return audit_item(
                line,
                mailbox_audit_record(row),
                keys=keys,
                source_format=self.name,
                raw=raw_json(row),
                key_content=row,
            )

        return csv_items(source, item)


MAILBOX_AUDIT_LOG_CSV = MailboxAuditLogCsvReader()
