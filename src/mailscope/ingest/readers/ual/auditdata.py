"""The one Python mapper from a Unified Audit Log ``AuditData`` object to case-store rows.

Every UAL shape (Purview CSV, Search-UnifiedAuditLog CSV, Management API JSON, Graph
auditLog queries, Sentinel OfficeActivity, Defender CloudAppEvents) is first turned into
an AuditData-like dict by its reader, then mapped here, so all shapes agree column by
column. The columns themselves are declared in ``columns.py`` (the bulk SQL is generated
from the same declarations).
"""

from __future__ import annotations

from collections.abc import Mapping

import orjson

from mailscope.ingest.readers.ual.columns import (
    AUDIT_COLUMNS,
    PARAMETER_LISTS,
    Record,
    column_value,
)
from mailscope.ingest.readers.ual.mail_access import MAIL_ITEMS_ACCESSED, mail_access_rows
from mailscope.model.row import Row, RowValues

AuditData = Mapping[str, object]


def audit_rows(data: AuditData, *, key: str, source_format: str, raw: str) -> tuple[Row, ...]:
    """The ``audit_events`` row of one record, then its ``mail_access`` rows (RecordType 50)."""
    record = Record(data)
    event = audit_event(record, key=key, source_format=source_format, raw=raw)
    primary = Row("audit_events", event)
    if event["record_type"] == MAIL_ITEMS_ACCESSED or event["operation"] == "MailItemsAccessed":
        return (primary, *mail_access_rows(record, event))
    return (primary,)


def audit_event(record: Record, *, key: str, source_format: str, raw: str) -> RowValues:
    """The ``audit_events`` columns of one AuditData object (source columns stamped later)."""
    values: RowValues = {"record_key": key}
    for column in AUDIT_COLUMNS:
        values[column.name] = column_value(record, column)
    values["parameters"] = _parameters(record)
    values["source_format"] = source_format
    values["raw"] = raw
    return values


def _parameters(record: Record) -> str | None:
    """Cmdlet ``Parameters``, ``ExtendedProperties`` and ``OperationProperties`` as one object."""
    merged: dict[str, object] = {}
    for name in PARAMETER_LISTS:
        for key, value in record.nested(name, listed=True).items():
            merged.setdefault(key, value)
    if not merged:
        return None
    return orjson.dumps(merged, option=orjson.OPT_NON_STR_KEYS).decode()
