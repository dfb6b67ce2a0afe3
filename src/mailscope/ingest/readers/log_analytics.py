"""Log Analytics (Microsoft Sentinel) portal "Export to CSV": headers back to the table's own.

The portal export adds the time zone to datetime headers (``TimeGenerated [UTC]``,
``CreatedDateTime [UTC]``) and, where a table holds a column in two types, suffixes each
with its type (``Status_dynamic``, ``Status_string``). Values are text: datetimes as
``4/28/2021, 3:05:26.000 PM`` (read by ``parse_time``), dynamic values as JSON. Columns
that end in ``_`` (``UserId_``, ``ClientIP_``, ``OrganizationId_``) are the table's own
names for a field that clashed with a standard column, and are left as they are.

Both the Unified Audit Log (``OfficeActivity``) and the Entra readers use this.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

_ZONE = " [UTC]"
_TYPE_SUFFIXES = ("_dynamic", "_string")


def column_name(header: str) -> str:
    """``TimeGenerated [UTC]`` → ``TimeGenerated``; ``Status_dynamic`` → ``Status``."""
    name = header.strip().removesuffix(_ZONE)
    for suffix in _TYPE_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def column_names(headers: Iterable[str]) -> set[str]:
    """The table's column names behind an export's headers."""
    return {column_name(header) for header in headers}


def table_row(row: Mapping[str, str]) -> dict[str, str]:
    """The row under the table's own column names; of two typed variants of one column, the
    non-empty one wins."""
    out: dict[str, str] = {}
    for header, value in row.items():
        name = column_name(header)
        if value or name not in out:
            out[name] = value
    return out
