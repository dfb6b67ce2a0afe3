"""Microsoft Defender XDR advanced-hunting rows (``CloudAppEvents`` and other tables).

``CloudAppEvents`` rows carry the original UAL record in ``RawEventData``: that record is
mapped like any AuditData. Rows of other tables in the same export (``DeviceEvents`` LDAP
searches, ``IdentityDirectoryEvents`` …) and CloudAppEvents rows without a raw record are
kept as audit events too: workload = the table, operation = ``ActionType``. Exports made
through pandas hold nested values as Python literals (``{'Id': …, 'Flag': False}``) and
PowerShell-flattened lists (``@{Name=…; Value=…}``); both are decoded. Table reference:
learn.microsoft.com/defender-xdr/advanced-hunting-schema-tables.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from mailscope.ingest.base import Bad, Item, Source
from mailscope.ingest.normalise import blank, maybe_json
from mailscope.ingest.readers.ual.auditdata import field_maps
from mailscope.ingest.readers.ual.keys import RecordKeys
from mailscope.ingest.readers.ual.properties import python_literal
from mailscope.ingest.readers.ual.reading import (
    audit_item,
    has_key,
    json_head,
    json_records,
    raw_json,
)
from mailscope.ingest.readers.ual.renames import first_of

TABLE_COLUMNS = ("Type", "$table", "TableName", "SourceTable", "Table")


def decode_nested(value: object) -> object:
    """A nested value as JSON or, failing that, as a Python literal (pandas exports)."""
    decoded = maybe_json(value)
    if isinstance(decoded, str):
        literal = python_literal(decoded)
        return literal if literal is not None else decoded
    return decoded


def table_of(row: Mapping[str, object]) -> str:
    """The advanced-hunting table a row came from: named in the row, or told by its columns."""
    for column in TABLE_COLUMNS:
        value = row.get(column)
        if isinstance(value, str) and value.strip():
            return value.strip()
    best, score = "AdvancedHunting", 0
    for table, columns in field_maps()["defender_tables"]:
        found = sum(1 for column in columns if not blank(row.get(column)))
        if found > score:
            best, score = table, found
    return str(best)


def defender_record(row: Mapping[str, object]) -> tuple[dict[str, object], object]:
    """The AuditData-like dict of one row, and the content its key is computed from."""
    raw_event = decode_nested(row.get("RawEventData"))
    if isinstance(raw_event, dict) and (raw_event.get("Operation") or raw_event.get("Id")):
        data = dict(raw_event)
        for target, value in first_of(row, field_maps()["defender_columns"]).items():
            if target != "Id" and blank(data.get(target)):
                data[target] = value
        return data, raw_event
    data = first_of(row, field_maps()["defender_columns"])
    data["Workload"] = table_of(row)
    extra = decode_nested(row.get("AdditionalFields", row.get("AdditionalFields_string")))
    if isinstance(extra, dict) and extra:
        data["Parameters"] = extra
    return data, dict(row)


class DefenderHuntingReader:
    """Advanced-hunting query results exported as JSON lines or a JSON array."""

    name = "ual-defender-advanced-hunting"

    def sniff(self, head: bytes, filename: str) -> bool:
        text = json_head(head)
        return text is not None and has_key(text, "ActionType") and has_key(text, "Timestamp")

    def read(self, source: Source) -> Iterator[Item]:
        keys = RecordKeys()
        for line, row in json_records(source):
            if isinstance(row, Bad):
                yield row
                continue
            raw = raw_json(row)
            if not isinstance(row, Mapping):
                yield Bad(line, "record is not a JSON object", raw)
                continue
            data, content = defender_record(row)
            yield audit_item(
                line, data, keys=keys, source_format=self.name, raw=raw, key_content=content
            )


DEFENDER_HUNTING = DefenderHuntingReader()
