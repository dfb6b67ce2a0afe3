"""Inbox-rule exports: ``Get-InboxRule | Export-Csv`` / ``ConvertTo-Json``, Extractor Suite
``*_MailboxRules.csv`` / ``InboxRules.csv`` (``Get-MailboxRules``, and its Graph variant keyed
by ``UserPrincipalName``), Graph ``messageRules`` JSON, and Untitled Goose Tool's
``EXO_InboxRules_Graph.json`` (one line per mailbox: a JSON array of ``messageRule`` objects
ending with ``{"userPrincipalName": owner}``) → ``mail_rules`` (kind ``inbox``).

Forwarding and redirect rules are a business-email-compromise staple (MITRE ATT&CK T1114.003).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import orjson

from mailscope.ingest.base import Bad, Item, Source
from mailscope.ingest.containers import decode_head, iter_json_lines, iter_json_records
from mailscope.ingest.readers.exchange.powershell_csv import iter_export_rows
from mailscope.ingest.readers.exchange.rule_row import rule_item
from mailscope.ingest.readers.exchange.rule_sniff import csv_columns, json_keys

CSV_NAME = "exchange_inbox_rules_csv"
JSON_NAME = "exchange_inbox_rules_json"
GOOSE_NAME = "exchange_inbox_rules_goose_json"
_ACTION_COLUMNS = frozenset({"forwardto", "redirectto", "forwardasattachmentto"})


class InboxRulesCsvReader:
    """Inbox rules as CSV (PowerShell or Extractor Suite)."""

    name = CSV_NAME

    def sniff(self, head: bytes, filename: str) -> bool:
        columns = csv_columns(head)
        if not columns & _ACTION_COLUMNS:
            return False
        owner = columns & {"username", "mailboxownerid", "identity", "userprincipalname"}
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


class GooseInboxRulesReader:
    """Untitled Goose Tool ``EXO_InboxRules_Graph.json``: per line, one mailbox's rules."""

    name = GOOSE_NAME

    def sniff(self, head: bytes, filename: str) -> bool:
        first = decode_head(head).lstrip().split("\n", 1)[0]
        if not first.startswith("["):
            return False
        try:
            rules = orjson.loads(first)
        except orjson.JSONDecodeError:
            return False
        return isinstance(rules, list) and _owner(rules) is not None and len(rules) > 1

    def read(self, source: Source) -> Iterator[Item]:
        with source.open() as stream:
            for line, value in iter_json_lines(stream):
                if isinstance(value, Bad):
                    yield value
                    continue
                owner = _owner(value) if isinstance(value, list) else None
                if owner is None or not isinstance(value, list):
                    yield Bad(line, "not a mailbox's messageRules line", str(value)[: 1 << 20])
                    continue
                for rule in value[:-1]:
                    if isinstance(rule, Mapping):
                        record = {**rule, "userPrincipalName": owner}
                        yield rule_item(line, record, "inbox", GOOSE_NAME)
                    else:
                        yield Bad(line, "not a messageRule object", str(rule)[: 1 << 20])


def _owner(rules: list[object]) -> str | None:
    """The mailbox named by the line's last element, ``{"userPrincipalName": …}``."""
    last = rules[-1] if rules else None
    if isinstance(last, Mapping) and set(last) == {"userPrincipalName"}:
        owner = last["userPrincipalName"]
        return owner if isinstance(owner, str) and owner.strip() else None
    return None
