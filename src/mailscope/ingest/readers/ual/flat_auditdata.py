"""AuditData flattened into columns by PowerShell collectors, folded back into records.

Two flattenings are common:

- ``… | Select -ExpandProperty AuditData | ConvertFrom-Json | Export-Csv``
  (Microsoft-Extractor-Suite ``Get-UAL -AuditDataOnly -Output CSV``; Hawk
  ``MailItemsAccessed_<user>.csv``, ``SendActivity_<user>.csv``, ``ExchangeSearchQueries_…``):
  one column per top-level field; nested objects become ``@{Key=value; …}`` text (read by
  ``properties.as_object``), arrays become ``System.Object[]`` and their content is lost.
- Hawk's ``Get-SimpleUnifiedAuditLog`` (``Simple_*.csv`` and ``.json``): nested fields as
  ``Root_Key`` / ``Root_0_Key`` (``AppAccessContext_AADSessionId``,
  ``Folders_0_FolderItems_0_InternetMessageId``), cmdlet parameters as ``Param_<Name>``
  beside ``ParameterString``, next to the cmdlet's own columns (``CreationDate``, ``UserIds``).

A ``MailItemsAccessed`` row without its folders, or a cmdlet row whose ``Parameters`` were
lost, is quarantined with that reason: stored, it would say a mailbox was read without
which messages, or a rule was made without what it does. Hawk writes the same records in
full to the ``.json`` beside each CSV, and those are read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from itertools import pairwise

from mailscope.ingest.base import Bad, Item, Source
from mailscope.ingest.normalise import blank
from mailscope.ingest.readers.powershell import is_lost
from mailscope.ingest.readers.ual.keys import RecordKeys
from mailscope.ingest.readers.ual.properties import as_list
from mailscope.ingest.readers.ual.reading import (
    audit_item,
    csv_header,
    csv_items,
    has_key,
    json_head,
    json_object_items,
    raw_json,
)

# AuditData fields that hold objects or lists (Management Activity API schema).
_NESTED = frozenset(
    {
        "Actor",
        "AffectedItems",
        "AppAccessContext",
        "DestFolder",
        "DeviceProperties",
        "ExtendedProperties",
        "Folder",
        "Folders",
        "Item",
        "ModifiedProperties",
        "OperationProperties",
        "Target",
    }
)
_PARAM = "Param_"
_CMDLET = re.compile(r"^[A-Z][a-z]+-[A-Za-z]+$")
_MAX_INDEX = 10_000
_FLAT_JSON = re.compile(
    r'"(?:Param_\w+|ParameterString|(?:AppAccessContext|Folders|OperationProperties|Item)_\w+)"'
    r"\s*:"
)


def unflattened(row: Mapping[str, object]) -> tuple[dict[str, object], set[str]]:
    """The AuditData behind a flattened row, and the fields whose content was lost."""
    data: dict[str, object] = {}
    parameters: list[dict[str, object]] = []
    lost: set[str] = set()
    for key, value in row.items():
        if is_lost(value):
            lost.add(key.split("_", 1)[0])
            continue
        if blank(value):
            continue
        if key.startswith(_PARAM) and len(key) > len(_PARAM):
            parameters.append({"Name": key[len(_PARAM) :], "Value": value})
            continue
        root, _, rest = key.partition("_")
        if root in _NESTED and rest and _put(data, [root, *rest.split("_")], value):
            continue
        data.setdefault(key, value)
    if parameters and "Parameters" not in data:
        data["Parameters"] = parameters
    return _compact(data), lost


def _put(data: dict[str, object], path: list[str], value: object) -> bool:
    """Set ``value`` at ``path`` (digits index lists); False when the path is unusable."""
    if any(not part or (part.isdigit() and int(part) >= _MAX_INDEX) for part in path):
        return False
    node: object = data
    for part, following in pairwise(path):
        empty: object = [] if following.isdigit() else {}
        child = _child(node, part, empty)
        if child is None:
            return False
        node = child
    return _set(node, path[-1], value)


def _child(node: object, part: str, empty: object) -> object:
    existing = _get(node, part)
    if isinstance(existing, type(empty)):
        return existing
    return empty if _set(node, part, empty) else None


def _get(node: object, part: str) -> object:
    if isinstance(node, dict):
        return node.get(part)
    if isinstance(node, list) and part.isdigit() and int(part) < len(node):
        return node[int(part)]
    return None


def _set(node: object, part: str, value: object) -> bool:
    if isinstance(node, dict):
        node[part] = value
        return True
    if isinstance(node, list) and part.isdigit():
        index = int(part)
        node.extend([None] * (index + 1 - len(node)))
        node[index] = value
        return True
    return False


def _compact(value: object) -> dict[str, object]:
    """Lists rebuilt from ``_0_`` / ``_2_`` columns lose their holes."""

    def walk(node: object) -> object:
        if isinstance(node, dict):
            return {key: walk(child) for key, child in node.items()}
        if isinstance(node, list):
            return [walk(child) for child in node if child is not None]
        return node

    walked = walk(value)
    assert isinstance(walked, dict)
    return walked


def flat_item(line: int, row: Mapping[str, object], keys: RecordKeys, source_format: str) -> Item:
    """One flattened row → item, or ``Bad`` when what it is about was lost."""
    raw = raw_json(dict(row))
    data, lost = unflattened(row)
    operation = str(data.get("Operation", ""))
    if operation == "MailItemsAccessed" and not as_list(data.get("Folders")):
        why = "lost when flattened (System.Object[])" if "Folders" in lost else "not in this export"
        return Bad(line, f"MailItemsAccessed whose Folders are {why}: read its JSON export", raw)
    if _CMDLET.match(operation) and "Parameters" in lost:
        return Bad(
            line,
            f"{operation} whose Parameters were lost when flattened: read its JSON export",
            raw,
        )
    return audit_item(line, data, keys=keys, source_format=source_format, raw=raw)


class FlatAuditCsvReader:
    """Flattened AuditData as CSV: AuditData field columns, no ``AuditData`` cell."""

    name = "ual-flattened-auditdata-csv"

    def sniff(self, head: bytes, filename: str) -> bool:
        columns = csv_header(head)
        return (
            {"CreationTime", "Operation"} <= columns
            and bool(columns & {"RecordType", "Workload"})
            and not columns & {"AuditData", "auditData", "TimeGenerated"}
        )

    def read(self, source: Source) -> Iterator[Item]:
        keys = RecordKeys()
        return csv_items(source, lambda line, row: flat_item(line, row, keys, self.name))


class FlatAuditJsonReader:
    """Hawk's flattened AuditData as JSON (``Simple_*.json``): ``Param_*`` / ``Root_Key`` keys."""

    name = "ual-flattened-auditdata-json"

    def sniff(self, head: bytes, filename: str) -> bool:
        text = json_head(head)
        return (
            text is not None
            and has_key(text, "CreationTime")
            and has_key(text, "Operation")
            and _FLAT_JSON.search(text) is not None
        )

    def read(self, source: Source) -> Iterator[Item]:
        keys = RecordKeys()
        return json_object_items(
            source, lambda line, record: flat_item(line, record, keys, self.name)
        )


FLAT_AUDIT_CSV = FlatAuditCsvReader()
FLAT_AUDIT_JSON = FlatAuditJsonReader()
