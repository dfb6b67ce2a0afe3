"""The one mapper from a Unified Audit Log ``AuditData`` object to case-store rows.

Every UAL shape (Purview CSV, Search-UnifiedAuditLog CSV, Management API JSON, Graph
auditLog queries, Sentinel OfficeActivity, Defender CloudAppEvents) is first turned into
an AuditData-like dict by its reader, then mapped here, so all shapes agree column by
column. Field names follow the Management Activity API schema
(learn.microsoft.com/office/office-365-management-api/office-365-management-activity-api-schema).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import cache
from importlib.resources import files
from typing import Any

import orjson

from mailscope.ingest.base import Row, RowValues
from mailscope.ingest.normalise import (
    normalise_ip,
    normalise_upn,
    parse_time,
    pick,
    text,
    to_int,
)
from mailscope.ingest.readers.ual.mail_access import MAIL_ITEMS_ACCESSED, mail_access_rows
from mailscope.ingest.readers.ual.properties import lookup, name_values

AuditData = Mapping[str, object]
_NOT_ALNUM = re.compile(r"[^a-z0-9]")
IP_FIELDS = ("ClientIP", "ClientIPAddress", "ActorIpAddress", "Client_IPAddress", "ClientIp")


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


def audit_rows(data: AuditData, *, key: str, source_format: str, raw: str) -> tuple[Row, ...]:
    """The ``audit_events`` row of one record, then its ``mail_access`` rows (RecordType 50)."""
    event = audit_event(data, key=key, source_format=source_format, raw=raw)
    primary = Row("audit_events", event)
    if event["record_type"] == MAIL_ITEMS_ACCESSED or event["operation"] == "MailItemsAccessed":
        return (primary, *mail_access_rows(data, event))
    return (primary,)


def audit_event(data: AuditData, *, key: str, source_format: str, raw: str) -> RowValues:
    """The ``audit_events`` columns of one AuditData object (source columns stamped later)."""
    context = lookup(data, "AppAccessContext")
    extended = name_values(data.get("ExtendedProperties"))
    device = name_values(data.get("DeviceProperties"))
    return {
        "record_key": key,
        "id": text(pick(data, "Id", "id")),
        "time": parse_time(pick(data, "CreationTime", "CreationDate")),
        "workload": text(data.get("Workload")),
        "record_type": enum_int(data.get("RecordType"), "record_types"),
        "operation": text(data.get("Operation")),
        "user_id": normalise_upn(data.get("UserId")),
        "user_type": enum_int(data.get("UserType"), "user_types"),
        "client_ip": normalise_ip(pick(data, *IP_FIELDS)),
        "app_id": text(pick(data, "AppId", "ApplicationId")),
        "client_app_id": text(pick(data, "ClientAppId") or context.get("ClientAppId")),
        "session_id": text(pick(data, "SessionId") or device.get("SessionId")),
        "aad_session_id": text(context.get("AADSessionId")),
        "unique_token_id": text(context.get("UniqueTokenId")),
        "token_issued_at": parse_time(context.get("IssuedAtTime")),
        "client_info": text(data.get("ClientInfoString")),
        "user_agent": text(pick(data, "UserAgent") or extended.get("UserAgent")),
        "logon_type": enum_int(pick(data, "LogonType", "InternalLogonType"), "logon_types"),
        "mailbox_upn": normalise_upn(data.get("MailboxOwnerUPN")),
        "mailbox_guid": text(data.get("MailboxGuid")),
        "result": text(data.get("ResultStatus")),
        "object_id": text(data.get("ObjectId")),
        "organization_id": text(data.get("OrganizationId")),
        "parameters": _parameters(data, extended),
        "source_format": source_format,
        "raw": raw,
    }


def _parameters(data: AuditData, extended: dict[str, object]) -> str | None:
    """Cmdlet ``Parameters``, ``ExtendedProperties`` and ``OperationProperties`` as one object."""
    merged = name_values(data.get("Parameters"))
    for extra in (extended, name_values(data.get("OperationProperties"))):
        for name, value in extra.items():
            merged.setdefault(name, value)
    if not merged:
        return None
    return orjson.dumps(merged, option=orjson.OPT_NON_STR_KEYS).decode()
