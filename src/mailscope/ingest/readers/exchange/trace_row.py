"""One Exchange Online message-trace entry → a ``message_trace`` row.

Both the Reporting Web Service ``MessageTrace`` report and ``Get-MessageTrace`` use the
same field names (Microsoft docs, "Get-MessageTrace": Received, SenderAddress,
RecipientAddress, Subject, Status, ToIP, FromIP, Size, MessageId, MessageTraceId).
"""

from __future__ import annotations

from collections.abc import Mapping

import orjson

from mailscope.ingest.base import Bad, Parsed
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
from mailscope.model.evidence_tables import MessageTraceRow
from mailscope.model.row import Row


def is_trace_record(record: Mapping[str, object]) -> bool:
    """A message-trace entry carries a recipient and a trace or message id."""
    return "RecipientAddress" in record and ("MessageTraceId" in record or "MessageId" in record)


def trace_item(line: int, record: Mapping[str, object], source_format: str) -> Parsed | Bad:
    """The ``message_trace`` row of one entry (the raw record kept beside it), or ``Bad``
    when its ``Received`` time is given but is no time."""
    raw = orjson.dumps(dict(record)).decode()
    received = record.get("Received")
    time = parse_time(received)  # ISO, US or WCF ``/Date(ms)/``
    if time is None and text(received) is not None:
        return Bad(line, f"message trace entry whose Received {received!r} is not a time", raw)
    recipient = normalise_upn(record.get("RecipientAddress"))
    status = text(record.get("Status"))
    trace_id = text(pick(record, "MessageTraceId", "MessageId"))
    values: MessageTraceRow = {
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
        "raw": raw,
    }
    return Parsed(line, (Row("message_trace", values),))
