"""Map one sign-in record, in any Entra export shape, to a ``signins`` row.

Shapes: Graph ``auditLogs/signIns`` (v1.0 and beta) and the Event Hub ``properties`` object
(camelCase), Sentinel ``SigninLogs`` / ``AAD*SignInLogs`` rows (PascalCase, nested values
possibly JSON strings), and the Entra portal download CSV (English headers). Field
spellings come from ``fields.json``; the record is read in place, never copied.
"""

from __future__ import annotations

from collections.abc import Mapping

from mailscope.ingest.normalise import (
    maybe_json,
    text,
    to_bool,
    to_int,
)
from mailscope.ingest.readers.entra.fields import SIGNIN as F
from mailscope.ingest.readers.entra.fields import first, first_ip, first_text, first_upn
from mailscope.ingest.readers.entra.keys import record_key
from mailscope.ingest.readers.entra.times import required_time
from mailscope.model.evidence_tables import SigninsRow
from mailscope.model.row import Row

# Graph beta ``signInEventTypes`` values (learn.microsoft.com/graph/api/resources/signin).
_EVENT_TYPE_KINDS = {
    "interactiveuser": "interactive",
    "noninteractiveuser": "noninteractive",
    "serviceprincipal": "service_principal",
    "managedidentity": "managed_identity",
}
# The portal CSV ``Status`` column when no error code is given.
_STATUS_LABELS = {"success": True, "failure": False, "interrupted": False}
_NO_MSI = frozenset({"", "none"})


def signin_row(
    record: Mapping[str, object],
    *,
    raw: str,
    fmt: str,
    kind: str = "",
    envelope: Mapping[str, object] | None = None,
) -> Row:
    """The ``signins`` row of one record; ``kind`` comes from the Event Hub category or
    Sentinel table when known, else from the record itself."""
    env = envelope or {}
    time = required_time(record, F["time"], env, "sign-in record without a valid createdDateTime")
    record_id = first_text(record, F["id"])
    user_id = first_text(record, F["user_id"])
    upn = first_upn(record, F["upn"])
    sp_id = first_text(record, F["service_principal_id"])
    sp_name = first_text(record, F["service_principal_name"])
    interactive = to_bool(first(record, F["is_interactive"]))
    kind = kind or _kind(record, user_id or upn, sp_id or sp_name, interactive)
    code, success = _status(record, env)
    country, city = _place(first(record, F["location"]))
    asn = to_int(first(record, F["asn"]))
    values: SigninsRow = {
        "record_key": record_key(record_id, time, record),
        "id": record_id,
        "kind": kind,
        "time": time,
        "user_id": user_id,
        "upn": upn,
        "app_id": first_text(record, F["app_id"]),
        "app_name": first_text(record, F["app_name"]),
        "resource_id": first_text(record, F["resource_id"]),
        "resource_name": first_text(record, F["resource_name"]),
        "ip": first_ip(record, F["ip"], env.get("callerIpAddress")),
        "asn": asn or None,  # AS 0 is reserved (RFC 7607): Entra writes it for "unknown"
        "country": country,
        "city": city,
        "session_id": first_text(record, F["session_id"]),
        "unique_token_id": first_text(record, F["unique_token_id"]),
        "correlation_id": first_text(record, F["correlation_id"]),
        "status_code": code,
        "success": success,
        "user_agent": first_text(record, F["user_agent"]),
        "client_app": first_text(record, F["client_app"]),
        "is_interactive": kind == "interactive" if interactive is None else interactive,
        "service_principal_id": sp_id,
        "service_principal_name": sp_name,
        "source_format": fmt,
        "raw": raw,
    }
    return Row("signins", values)


def _kind(
    record: Mapping[str, object], has_user: object, has_sp: object, interactive: bool | None
) -> str:
    """interactive | noninteractive | service_principal | managed_identity, from the record."""
    types = maybe_json(first(record, F["event_types"]))
    if isinstance(types, list):
        for event_type in types:
            found = _EVENT_TYPE_KINDS.get(str(event_type).lower())
            if found:
                return found
    if _is_managed_identity(record):
        return "managed_identity"
    if not has_user and has_sp:
        return "service_principal"
    return "noninteractive" if interactive is False else "interactive"


def _is_managed_identity(record: Mapping[str, object]) -> bool:
    msi_type = first(record, F["managed_identity_type"])
    if msi_type is None:
        msi = maybe_json(first(record, F["managed_service_identity"]))
        msi_type = msi.get("msiType") if isinstance(msi, dict) else None
    return msi_type is not None and str(msi_type).strip().lower() not in _NO_MSI


def _status(
    record: Mapping[str, object], env: Mapping[str, object]
) -> tuple[int | None, bool | None]:
    """(error code, success): success means error code 0 (Graph ``status.errorCode``)."""
    status = maybe_json(first(record, F["status"]))
    code: int | None = None
    label: bool | None = None
    if isinstance(status, dict):
        code = to_int(status.get("errorCode", status.get("ErrorCode")))
    elif isinstance(status, str):
        label = _STATUS_LABELS.get(status.strip().lower())
    if code is None:
        code = to_int(first(record, F["error_code"]) or env.get("resultType"))
    if code is not None:
        return code, code == 0
    return None, label


def _place(location: object) -> tuple[str | None, str | None]:
    """(country, city) from a Graph ``location`` object, a Sentinel country code, or the
    portal's ``City, State, Country`` text."""
    value = maybe_json(location)
    if isinstance(value, dict):
        return text(value.get("countryOrRegion")), text(value.get("city"))
    if not isinstance(value, str):
        return None, None
    parts = [part.strip() for part in value.split(",")]
    if len(parts) >= 3:
        return parts[-1] or None, parts[0] or None
    return text(parts[-1]), None
