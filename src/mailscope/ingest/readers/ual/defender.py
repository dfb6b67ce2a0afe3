"""Microsoft Defender XDR advanced-hunting rows (``CloudAppEvents`` and other tables).

``CloudAppEvents`` rows carry the original UAL record in ``RawEventData``: that record is
mapped like any AuditData; a CloudAppEvents row without one is kept as an audit event with
workload = the table and operation = ``ActionType``. Rows of the endpoint, identity, alert
and mail-flow tables an export often mixes in (``DeviceEvents`` LDAP searches,
``IdentityDirectoryEvents`` …) are not audit events: they are skipped, counted per table
(``fields.json`` ``defender_unanalysed_tables``). A row whose table cannot be told is kept
as before (workload ``AdvancedHunting``): it may be a projection of CloudAppEvents.

Rows come as query results (JSON lines or an array; the table named in ``Type`` or told by
the columns) or as streamed through the Streaming API to an Event Hub or storage account:
``{"records": [{"time", "category": "AdvancedHunting-<Table>", "properties": {row}}]}``
(learn.microsoft.com/defender-xdr/streaming-api-event-hub). Exports made through pandas
hold nested values as Python literals (``{'Id': …, 'Flag': False}``) and
PowerShell-flattened lists (``@{Name=…; Value=…}``); both are decoded. Table reference:
learn.microsoft.com/defender-xdr/advanced-hunting-schema-tables.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from mailscope.ingest.base import Bad, Item, Skipped, Source
from mailscope.ingest.containers import unwrap
from mailscope.ingest.normalise import blank, maybe_json
from mailscope.ingest.readers.ual.columns import field_maps
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
UNKNOWN_TABLE = "AdvancedHunting"
STREAM_PREFIX = "AdvancedHunting-"  # Streaming API category: AdvancedHunting-<Table>
MAPPED_TABLES = frozenset({"cloudappevents", UNKNOWN_TABLE.lower()})


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
    best, score = UNKNOWN_TABLE, 0
    for table, columns in field_maps()["defender_tables"]:
        found = sum(1 for column in columns if not blank(row.get(column)))
        if found > score:
            best, score = table, found
    return str(best)


def unanalysed(table: str) -> str | None:
    """Why rows of ``table`` are skipped (``Defender DeviceEvents (endpoint telemetry)``),
    or None for the tables mailscope maps."""
    if table.lower() in MAPPED_TABLES:
        return None
    for prefix, kind in field_maps()["defender_unanalysed_tables"]:
        if table.lower().startswith(str(prefix).lower()):
            return f"Defender {table} ({kind})"
    return f"Defender {table} (advanced-hunting table mailscope does not analyse)"


def _raw_event(row: Mapping[str, object]) -> dict[str, object] | None:
    """The UAL record in a row's ``RawEventData``, or None."""
    raw_event = decode_nested(row.get("RawEventData"))
    if isinstance(raw_event, dict) and (raw_event.get("Operation") or raw_event.get("Id")):
        return raw_event
    return None


def defender_record(
    row: Mapping[str, object], table: str | None = None
) -> tuple[dict[str, object], object]:
    """The AuditData-like dict of one row (of ``table``, else the one :func:`table_of`
    tells), and the content its key is computed from."""
    raw_event = _raw_event(row)
    if raw_event is not None:
        data = dict(raw_event)
        for target, value in first_of(row, field_maps()["defender_columns"]).items():
            if target != "Id" and blank(data.get(target)):
                data[target] = value
        return data, raw_event
    data = first_of(row, field_maps()["defender_columns"])
    data["Workload"] = table or table_of(row)
    extra = decode_nested(row.get("AdditionalFields", row.get("AdditionalFields_string")))
    if isinstance(extra, dict) and extra:
        data["Parameters"] = extra
    return data, dict(row)


def streamed_row(record: Mapping[str, object]) -> tuple[Mapping[str, object], str] | None:
    """The row and table of a Streaming API record (``category`` + ``properties``), or None
    when ``record`` is a plain query-result row."""
    category = record.get("category")
    if not isinstance(category, str) or not category.startswith(STREAM_PREFIX):
        return None
    properties = maybe_json(record.get("properties"))
    if not isinstance(properties, Mapping):
        return None
    table = category.removeprefix(STREAM_PREFIX).strip() or UNKNOWN_TABLE
    return properties, table


class DefenderHuntingReader:
    """Advanced-hunting rows: query results (JSON lines, a JSON array) or Streaming API
    records (Event Hub batches, storage-account JSON lines)."""

    name = "ual-defender-advanced-hunting"

    def sniff(self, head: bytes, filename: str) -> bool:
        text = json_head(head)
        if text is None:
            return False
        if f'"{STREAM_PREFIX}' in text and has_key(text, "properties"):
            return True
        return has_key(text, "ActionType") and has_key(text, "Timestamp")

    def read(self, source: Source) -> Iterator[Item]:
        keys = RecordKeys()
        for line, found in json_records(source):
            if isinstance(found, Bad):
                yield found
                continue
            # A JSON-lines capture holds one Event Hub batch per line.
            for record in _batch(found):
                yield self._item(line, record, keys)

    def _item(self, line: int, record: object, keys: RecordKeys) -> Item:
        raw = raw_json(record)
        if not isinstance(record, Mapping):
            return Bad(line, "record is not a JSON object", raw)
        row: Mapping[str, object] = record
        streamed = streamed_row(record)
        if streamed is not None:
            row, table = streamed
        elif isinstance(record.get("category"), str) and "properties" in record:
            return Bad(line, _not_streamed(str(record["category"])), raw)
        else:
            table = table_of(row)
        if _raw_event(row) is None:
            reason = unanalysed(table)
            if reason is not None:
                return Skipped(line, reason)
        data, content = defender_record(row, table)
        return audit_item(
            line, data, keys=keys, source_format=self.name, raw=raw, key_content=content
        )


def _not_streamed(category: str) -> str:
    if category.startswith(STREAM_PREFIX):
        return f"Streaming API {category} record whose properties is not an object"
    return f"Event Hub record of category {category!r} is not a Defender advanced-hunting row"


def _batch(found: object) -> list[object]:
    """The records of an Event Hub batch (``{"records": […]}``); any other value alone."""
    if isinstance(found, dict) and isinstance(found.get("records"), list):
        return unwrap(found)
    return [found]


DEFENDER_HUNTING = DefenderHuntingReader()
