"""Inbox-rule exports: ``Get-InboxRule | Export-Csv`` / ``ConvertTo-Json``, Extractor Suite
``*_MailboxRules.csv`` and Graph ``messageRules`` JSON → ``mail_rules`` (kind ``inbox``).

Forwarding and redirect rules are a business-email-compromise staple (MITRE ATT&CK T1114.003).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from mailscope.ingest.base import Bad, Item, Source
from mailscope.ingest.containers import iter_json_records
from mailscope.ingest.readers.exchange.powershell_csv import iter_export_rows
from mailscope.ingest.readers.exchange.rule_row import rule_item
from mailscope.ingest.readers.exchange.rule_sniff import csv_columns, json_keys

CSV_NAME = "exchange_inbox_rules_csv"
JSON_NAME = "exchange_inbox_rules_json"
_ACTION_COLUMNS = frozenset({"forwardto", "redirectto", "forwardasattachmentto"})


class InboxRulesCsvReader:
    """Inbox rules as CSV (PowerShell or Extractor Suite)."""

    name = CSV_NAME

    def sniff(self, head: bytes, filename: str) -> bool:
        columns = csv_columns(head)
        if not columns & _ACTION_COLUMNS:
            return False
        owner = columns & {"username", "mailboxownerid", "identity"}
        return bool(owner) and bool(columns & {"rulename", "name"})

    def read(self, source: Source) -> Iterator[Item]:
        for line, row in iter_export_rows(source):
            yield row if isinstance(row, Bad) else rule_item(line, row, "inbox", CSV_NAME)


class InboxRulesJsonReader:
    """Inbox rules as JSON (``Get-InboxRule | ConvertTo-Json`` or Graph ``messageRules``)."""

    name = JSON_NAME

    def sniff(self, head: bytes, filename: str) -> bool:
        if json_keys(head, "redirectmessageto"):
            return False
        return json_keys(head, "forwardasattachmentto", "redirectto") and json_keys(
            head, "forwardto"
        )

    def read(self, source: Source) -> Iterator[Item]:
        for line, record in iter_json_records(source):
            if isinstance(record, Bad):
                yield record
            elif isinstance(record, Mapping):
                yield rule_item(line, record, "inbox", JSON_NAME)
            else:
                yield Bad(line, "not an inbox-rule object", str(record)[: 1 << 20])
