"""One Exchange Online message-trace entry → a ``message_trace`` row.

Both the Reporting Web Service ``MessageTrace`` report and ``Get-MessageTrace`` use the
same field names (Microsoft docs, "Get-MessageTrace": Received, SenderAddress,
RecipientAddress, Subject, Status, ToIP, FromIP, Size, MessageId, MessageTraceId).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime

import orjson

from mailscope.ingest.base import Parsed, Row
from mailscope.ingest.normalise import (
    content_key,
    normalise_ip,
    normalise_message_id,
    normalise_upn,
    parse_time,
    pick,
    text,
    to_int,
)

# OData v2 / WCF JSON dates: ``/Date(1658751973240)/`` or ``/Date(1658751973240+0100)/``;
# the number is milliseconds since the epoch in UTC whatever the offset says.
_WCF_DATE = re.compile(r"^/Date\((-?\d+)(?:[+-]\d{4})?\)/$")


def trace_time(value: object) -> datetime | None:
    """ISO, US or WCF ``/Date(ms)/`` time → naive UTC."""
    raw = text(value)
    if raw is None:
        return None
    match = _WCF_DATE.match(raw)
    if match:
        return parse_time(int(match.group(1)) / 1000.0)
    return parse_time(raw)


def is_trace_record(record: Mapping[str, object]) -> bool:
    """A message-trace entry carries a recipient and a trace or message id."""
    return "RecipientAddress" in record and ("MessageTraceId" in record or "MessageId" in record)


def trace_item(line: int, record: Mapping[str, object], source_format: str) -> Parsed:
    """The ``message_trace`` row of one entry; the raw record is kept beside it."""
    time = trace_time(record.get("Received"))
    recipient = normalise_upn(record.get("RecipientAddress"))
    status = text(record.get("Status"))
    trace_id = text(pick(record, "MessageTraceId", "MessageId"))
    values: dict[str, object] = {
        # A trace id covers one message; each recipient and status is its own entry.
        "record_key": content_key("message_trace", trace_id, recipient, time, status),
        "message_id": normalise_message_id(record.get("MessageId")),
        "time": time,
        "sender": normalise_upn(record.get("SenderAddress")),
        "recipient": recipient,
        "subject": text(record.get("Subject")),
        "status": status,
        "from_ip": normalise_ip(record.get("FromIP")),
        "to_ip": normalise_ip(record.get("ToIP")),
        "size_bytes": to_int(record.get("Size")),
        "source_format": source_format,
        "raw": orjson.dumps(dict(record)).decode(),
    }
    return Parsed(line, (Row("message_trace", values),))
