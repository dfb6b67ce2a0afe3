"""Transport-rule exports: ``Get-TransportRule | Export-Csv`` / ``ConvertTo-Json`` and the
Extractor Suite ``*_TransportRules.csv`` (Name, Description, CreatedBy, WhenChanged, State)
→ ``mail_rules`` (kind ``transport``).

An organisation-wide redirect or Bcc rule exfiltrates mail (MITRE ATT&CK T1114.003); the
Extractor Suite shape has no action columns, so actions come from the Description text.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from mailscope.ingest.base import Bad, Item, Source
from mailscope.ingest.containers import iter_json_records
from mailscope.ingest.readers.exchange.powershell_csv import iter_export_rows
from mailscope.ingest.readers.exchange.rule_row import rule_item
from mailscope.ingest.readers.exchange.rule_sniff import csv_columns, json_keys, mentions_rule_text

CSV_NAME = "exchange_transport_rules_csv"
JSON_NAME = "exchange_transport_rules_json"
_BASE = frozenset({"name", "description", "state"})
_ACTION_COLUMNS = frozenset({"redirectmessageto", "blindcopyto", "addtorecipients", "copyto"})


class TransportRulesCsvReader:
    """Transport rules as CSV."""

    name = CSV_NAME

    def sniff(self, head: bytes, filename: str) -> bool:
        columns = csv_columns(head)
        if not columns >= _BASE:
            return False
        if columns & _ACTION_COLUMNS or {"priority", "mode"} <= columns:
            return True
        return {"createdby", "whenchanged"} <= columns and mentions_rule_text(head)

    def read(self, source: Source) -> Iterator[Item]:
        for line, row in iter_export_rows(source):
            yield row if isinstance(row, Bad) else rule_item(line, row, "transport", CSV_NAME)


class TransportRulesJsonReader:
    """Transport rules as JSON (``Get-TransportRule | ConvertTo-Json``)."""

    name = JSON_NAME

    def sniff(self, head: bytes, filename: str) -> bool:
        return json_keys(head, "redirectmessageto", "blindcopyto") and json_keys(head, "priority")

    def read(self, source: Source) -> Iterator[Item]:
        for line, record in iter_json_records(source):
            if isinstance(record, Bad):
                yield record
            elif isinstance(record, Mapping):
                yield rule_item(line, record, "transport", JSON_NAME)
            else:
                yield Bad(line, "not a transport-rule object", str(record)[: 1 << 20])
