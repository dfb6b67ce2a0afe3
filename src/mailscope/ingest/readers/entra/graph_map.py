"""Map one Microsoft Graph activity record to a ``graph_activity`` row.

Shapes: the Event Hub ``MicrosoftGraphActivityLogs`` properties object (camelCase, token
claims as ``C_Iat`` / ``C_Sid``) and Sentinel ``MicrosoftGraphActivityLogs`` rows
(PascalCase). ``SignInActivityId`` is the sign-in's ``uniqueTokenIdentifier`` and
``SessionId`` its ``sessionId`` (Entra docs, "Track and investigate identity activities
with linkable identifiers").
"""

from __future__ import annotations

from collections.abc import Mapping

from mailscope.ingest.normalise import parse_time, to_int
from mailscope.ingest.readers.entra.fields import GRAPH as F
from mailscope.ingest.readers.entra.fields import first, first_ip, first_text, first_upn
from mailscope.ingest.readers.entra.keys import record_key
from mailscope.ingest.readers.entra.times import required_time
from mailscope.model.evidence_tables import GraphActivityRow
from mailscope.model.row import Row


def graph_row(
    record: Mapping[str, object],
    *,
    raw: str,
    fmt: str,
    envelope: Mapping[str, object] | None = None,
) -> Row:
    """The ``graph_activity`` row of one Graph activity record."""
    env = envelope or {}
    time = required_time(record, F["time"], env, "Graph activity record without a valid time")
    request_id = first_text(record, F["request_id"])
    values: GraphActivityRow = {
        "record_key": record_key(request_id, time, record),
        "request_id": request_id,
        "time": time,
        "user_id": first_text(record, F["user_id"]),
        "upn": first_upn(record, F["upn"]),
        "app_id": first_text(record, F["app_id"]),
        "service_principal_id": first_text(record, F["service_principal_id"]),
        "ip": first_ip(record, F["ip"], env.get("callerIpAddress")),
        "session_id": first_text(record, F["session_id"]),
        "sign_in_activity_id": first_text(record, F["sign_in_activity_id"]),
        # C_Iat is the token's iat claim in epoch seconds; parse_time reads both forms.
        "token_issued_at": parse_time(_epoch_or_text(first(record, F["token_issued_at"]))),
        "method": first_text(record, F["method"]),
        "request_uri": first_text(record, F["request_uri"]),
        "response_status": to_int(first(record, F["response_status"])),
        "user_agent": first_text(record, F["user_agent"]),
        "scopes": first_text(record, F["scopes"]),
        "roles": first_text(record, F["roles"]),
        "source_format": fmt,
        "raw": raw,
    }
    return Row("graph_activity", values)


def _epoch_or_text(value: object) -> object:
    """``"1739874011"`` (an epoch claim as text) → 1739874011; other values unchanged."""
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return value
