"""Microsoft Sentinel ``OfficeActivity`` rows exported as CSV or JSON.

Sentinel renames AuditData fields (``TimeGenerated``, ``OfficeWorkload``, ``OfficeId``,
``Client_IPAddress``, ``Logon_Type`` …; a field that clashes with a standard column gets a
trailing ``_``: ``UserId_``, ``ClientIP_``, ``OrganizationId_``) and stores nested values
(``Folders``, ``OperationProperties``, ``Parameters``, ``AppAccessContext``) as JSON strings.
Exports are often projections (the msticpy demo keeps 5 columns); the portal's "Export to
CSV" writes ``TimeGenerated [UTC]`` headers and ``4/28/2021, 3:05:26.000 PM`` times
(``log_analytics``). Column reference:
learn.microsoft.com/azure/azure-monitor/reference/tables/officeactivity.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from mailscope.ingest.base import Item, Source
from mailscope.ingest.normalise import blank
from mailscope.ingest.readers.log_analytics import column_names, table_row
from mailscope.ingest.readers.ual.columns import field_maps
from mailscope.ingest.readers.ual.keys import RecordKeys
from mailscope.ingest.readers.ual.reading import (
    audit_item,
    csv_header,
    csv_items,
    has_key,
    json_head,
    json_object_items,
    raw_json,
)
from mailscope.ingest.readers.ual.renames import renamed

# Any of these beside TimeGenerated + Operation marks an OfficeActivity row.
OFFICE_COLUMNS = (
    "OfficeWorkload",
    "OfficeId",
    "Client_IPAddress",
    "ClientIP",
    "UserId",
    "RecordType",
    "MailboxOwnerUPN",
)


def sentinel_item(line: int, row: Mapping[str, object], keys: RecordKeys, name: str) -> Item:
    """One OfficeActivity row → item, its columns renamed back to AuditData names."""
    renames: dict[str, str] = field_maps()["sentinel_renames"]
    data = _unclashed(renamed(row, renames))
    raw = raw_json(dict(row))
    return audit_item(line, data, keys=keys, source_format=name, raw=raw, key_content=dict(row))


def _unclashed(data: dict[str, object]) -> dict[str, object]:
    """``ClientIP_`` → ``ClientIP`` (and every ``Name_``) where the plain name is blank:
    Sentinel suffixes ``_`` to an AuditData field whose name clashed with a table column."""
    for name in [key for key in data if key.endswith("_") and not key.startswith("_")]:
        plain = name[:-1]
        if blank(data.get(plain)):
            data[plain] = data[name]
    return data


class SentinelJsonReader:
    """OfficeActivity rows as JSON lines, an array, or a ``{"value": […]}`` wrapper."""

    name = "ual-sentinel-officeactivity-json"

    def sniff(self, head: bytes, filename: str) -> bool:
        text = json_head(head)
        if text is None or not has_key(text, "TimeGenerated") or not has_key(text, "Operation"):
            return False
        return '"OfficeActivity"' in text or any(has_key(text, c) for c in OFFICE_COLUMNS)

    def read(self, source: Source) -> Iterator[Item]:
        keys = RecordKeys()
        return json_object_items(
            source, lambda line, record: sentinel_item(line, record, keys, self.name)
        )


class SentinelCsvReader:
    """OfficeActivity rows as CSV (any projection keeping TimeGenerated and Operation)."""

    name = "ual-sentinel-officeactivity-csv"

    def sniff(self, head: bytes, filename: str) -> bool:
        columns = column_names(csv_header(head))
        return (
            {"TimeGenerated", "Operation"} <= columns
            and "AuditData" not in columns
            and any(c in columns for c in OFFICE_COLUMNS)
        )

    def read(self, source: Source) -> Iterator[Item]:
        keys = RecordKeys()
        return csv_items(
            source, lambda line, row: sentinel_item(line, table_row(row), keys, self.name)
        )


SENTINEL_JSON = SentinelJsonReader()
SENTINEL_CSV = SentinelCsvReader()
