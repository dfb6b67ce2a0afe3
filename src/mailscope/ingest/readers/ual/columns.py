"""The UAL mapping, declared once: which AuditData fields fill which column, read how.

Both engines are generated from these declarations: the record-by-record Python mapper
(``auditdata.py``, ``mail_access.py``) reads them with :func:`column_value`, and the bulk
SQL (``ingest/bulk/mapping.py``) compiles each column into DuckDB expressions and into the
conditions under which those expressions are exact. A field fix is made here, once.

A column's value is its kind's normaliser applied to the first of its sources whose value
is not blank (``normalise.blank``). A source is a top-level AuditData field, a key of a
nested object (``AppAccessContext``) or a name in a ``[{"Name", "Value"}]`` list
(``ExtendedProperties``). Field names follow the Management Activity API schema
(learn.microsoft.com/office/office-365-management-api/office-365-management-activity-api-schema).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any, Literal

from mailscope.ingest.normalise import (
    blank,
    normalise_ip,
    normalise_upn,
    parse_time,
    text,
    to_bool,
    to_int,
)
from mailscope.ingest.readers.ual.properties import lookup, name_values

_NOT_ALNUM = re.compile(r"[^a-z0-9]")

# text: stripped string; upn: lower-cased text; ip: normalise_ip; time: parse_time (UTC);
# enum: a number or one of the names of a ``fields.json`` table; int: to_int; bool: to_bool.
Kind = Literal["text", "upn", "ip", "time", "enum", "int", "bool"]
TEXTUAL: frozenset[Kind] = frozenset({"text", "upn", "ip", "time"})
NUMERIC: frozenset[Kind] = frozenset({"enum", "int"})


@dataclass(frozen=True)
class Source:
    """Where a value is read: ``field`` itself, or ``key`` of it (an object, or a list of
    name-value pairs when ``listed``)."""

    field: str
    key: str | None = None
    listed: bool = False


@dataclass(frozen=True)
class Column:
    """One stored column. ``enum`` names the ``fields.json`` table of an enum's names;
    ``must_parse``: a present value that does not parse refuses the whole record."""

    name: str
    kind: Kind
    sources: tuple[Source, ...]
    enum: str | None = None
    must_parse: bool = False


def fields(*names: str) -> tuple[Source, ...]:
    """Top-level fields, in order of preference."""
    return tuple(Source(name) for name in names)


IP_FIELDS = ("ClientIP", "ClientIPAddress", "ActorIpAddress", "Client_IPAddress", "ClientIp")
_CONTEXT = "AppAccessContext"

# ``audit_events``, in column order; record_key, parameters and the source columns are
# stamped by the mapper.
AUDIT_COLUMNS: tuple[Column, ...] = (
    Column("id", "text", fields("Id", "id")),
    Column("time", "time", fields("CreationTime", "CreationDate"), must_parse=True),
    Column("workload", "text", fields("Workload")),
    Column("record_type", "enum", fields("RecordType"), enum="record_types"),
    Column("operation", "text", fields("Operation")),
    Column("user_id", "upn", fields("UserId")),
    Column("user_type", "enum", fields("UserType"), enum="user_types"),
    Column("client_ip", "ip", fields(*IP_FIELDS)),
    Column("app_id", "text", fields("AppId", "ApplicationId")),
    Column("client_app_id", "text", (Source("ClientAppId"), Source(_CONTEXT, "ClientAppId"))),
    Column(
        "session_id",
        "text",
        (Source("SessionId"), Source("DeviceProperties", "SessionId", listed=True)),
    ),
    Column("aad_session_id", "text", (Source(_CONTEXT, "AADSessionId"),)),
    Column("unique_token_id", "text", (Source(_CONTEXT, "UniqueTokenId"),)),
    Column("token_issued_at", "time", (Source(_CONTEXT, "IssuedAtTime"),)),
    Column("client_info", "text", fields("ClientInfoString")),
    Column(
        "user_agent",
        "text",
        (Source("UserAgent"), Source("ExtendedProperties", "UserAgent", listed=True)),
    ),
    Column("logon_type", "enum", fields("LogonType", "InternalLogonType"), enum="logon_types"),
    Column("mailbox_upn", "upn", fields("MailboxOwnerUPN")),
    Column("mailbox_guid", "text", fields("MailboxGuid")),
    Column("result", "text", fields("ResultStatus")),
    Column("object_id", "text", fields("ObjectId")),
    Column("organization_id", "text", fields("OrganizationId")),
)
# ``parameters``: these name-value lists merged into one JSON object, the first name wins.
PARAMETER_LISTS = ("Parameters", "ExtendedProperties", "OperationProperties")

# What every ``mail_access`` row of a MailItemsAccessed record carries besides the columns
# it copies from its event (``mail_access.EVENT_COLUMNS``) and its folder or item.
MAIL_COLUMNS: tuple[Column, ...] = (
    Column(
        "access_type",
        "text",
        (Source("OperationProperties", "MailAccessType", listed=True), Source("MailAccessType")),
    ),
    Column(
        "is_throttled",
        "bool",
        (Source("OperationProperties", "IsThrottled", listed=True), Source("IsThrottled")),
    ),
    Column("operation_count", "int", fields("OperationCount")),
)
# Arrays flattened into mail_access rows (mail_access.py): Folders[].FolderItems[], or the
# single Item of a one-message record.
FLATTENED = ("Folders", "Item")


def _check(columns: tuple[Column, ...]) -> None:
    """A nested field is read one way (object or name-value list); enums name their table."""
    listed: dict[str, bool] = {name: True for name in PARAMETER_LISTS}
    for column in columns:
        if (column.kind == "enum") != (column.enum is not None):
            raise ValueError(f"column {column.name}: an enum, and only an enum, names a table")
        for source in column.sources:
            if source.key is None:
                continue
            if listed.setdefault(source.field, source.listed) != source.listed:
                raise ValueError(f"{source.field} is read both as an object and as a list")


_check((*AUDIT_COLUMNS, *MAIL_COLUMNS))


class Record:
    """One AuditData object, its nested objects and name-value lists decoded once."""

    def __init__(self, data: Mapping[str, object]):
        self.data = data
        self._nested: dict[str, dict[str, object]] = {}

    def nested(self, name: str, listed: bool) -> dict[str, object]:
        """``data[name]`` as a dict: an object (JSON text decoded) or a name-value list."""
        found = self._nested.get(name)
        if found is None:
            found = name_values(self.data.get(name)) if listed else lookup(self.data, name)
            self._nested[name] = found
        return found

    def value(self, source: Source) -> object:
        if source.key is None:
            return self.data.get(source.field)
        return self.nested(source.field, source.listed).get(source.key)

    def first(self, column: Column) -> object:
        """The first non-blank value among the column's sources, or None."""
        for source in column.sources:
            value = self.value(source)
            if not blank(value):
                return value
        return None


def column_value(record: Record, column: Column) -> object:
    """The stored value of ``column`` for ``record``."""
    value = record.first(column)
    if value is None:
        return None
    if column.kind == "enum":
        assert column.enum is not None
        return enum_int(value, column.enum)
    return _NORMALISERS[column.kind](value)


@cache
def field_maps() -> dict[str, Any]:
    """The field and enum tables of ``fields.json``, loaded once."""
    data = files("mailscope.ingest.readers.ual").joinpath("fields.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(data)
    return loaded


def enum_int(value: object, table: str) -> int | None:
    """An enum as its number: ``50``, ``"50"`` or a name (``"Regular"``, ``"Owner"``)."""
    number = to_int(value)
    if number is not None or not isinstance(value, str):
        return number
    names: dict[str, int] = field_maps()[table]
    return names.get(_NOT_ALNUM.sub("", value.lower()))


_NORMALISERS: dict[str, Callable[[object], object]] = {
    "text": text,
    "upn": normalise_upn,
    "ip": normalise_ip,
    "time": parse_time,
    "int": to_int,
    "bool": to_bool,
}


def column(name: str) -> Column:
    """The declared column ``name`` (audit_events or mail_access)."""
    return next(c for c in (*AUDIT_COLUMNS, *MAIL_COLUMNS) if c.name == name)
