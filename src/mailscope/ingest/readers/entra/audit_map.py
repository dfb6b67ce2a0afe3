"""Map Entra directory-audit records, and records of categories without a table of their
own, to ``directory_audits`` rows.

Audits come as Graph ``directoryAudits`` objects, the Event Hub ``AuditLogs`` properties
object, or Sentinel ``AuditLogs`` rows (``InitiatedBy`` / ``TargetResources`` as JSON text).

Categories mailscope has no table for (Event Hub ``UserRiskEvents``, ``RiskyUsers``,
``ProvisioningLogs`` …, the matching Sentinel ``AAD*`` tables, Graph ``riskDetections``)
are neither dropped nor quarantined: they become ``directory_audits`` rows whose
``category`` is the Event Hub category (or Sentinel table) and whose ``activity`` is the
``riskEventType`` or ``operationName``; the whole record stays in ``raw``.
"""

from __future__ import annotations

from collections.abc import Mapping

import orjson

from mailscope.ingest.normalise import maybe_json, normalise_ip, normalise_upn, text
from mailscope.ingest.readers.entra.fields import (
    AUDIT,
    OTHER,
    first,
    first_ip,
    first_text,
    first_upn,
)
from mailscope.ingest.readers.entra.keys import record_key
from mailscope.ingest.readers.entra.times import required_time
from mailscope.model.evidence_tables import DirectoryAuditsRow
from mailscope.model.row import Row


def audit_row(
    record: Mapping[str, object],
    *,
    raw: str,
    fmt: str,
    envelope: Mapping[str, object] | None = None,
) -> Row:
    """The ``directory_audits`` row of one directory-audit record."""
    env = envelope or {}
    time = required_time(
        record, AUDIT["time"], env, "directory audit record without a valid activityDateTime"
    )
    record_id = first_text(record, AUDIT["id"])
    initiator = maybe_json(first(record, AUDIT["initiated_by"]))
    user = _child(initiator, "user")
    app = _child(initiator, "app")
    targets = maybe_json(first(record, AUDIT["targets"]))
    target_list = [t for t in targets if isinstance(t, dict)] if isinstance(targets, list) else []
    values: DirectoryAuditsRow = {
        "record_key": record_key(record_id, time, record),
        "id": record_id,
        "time": time,
        "category": first_text(record, AUDIT["category"]),
        "activity": first_text(record, AUDIT["activity"]) or text(env.get("operationName")),
        "operation_type": first_text(record, AUDIT["operation_type"]),
        "result": first_text(record, AUDIT["result"]),
        "logged_by_service": first_text(record, AUDIT["logged_by_service"]),
        "initiated_by_upn": normalise_upn(user.get("userPrincipalName")),
        "initiated_by_app_id": text(app.get("appId")),
        "initiated_by_ip": normalise_ip(
            user.get("ipAddress") or app.get("ipAddress") or env.get("callerIpAddress")
        ),
        "target_ids": _joined(target_list, ("id",)),
        "target_names": _joined(target_list, ("displayName", "userPrincipalName")),
        "modified_properties": _modified(target_list),
        "correlation_id": first_text(record, AUDIT["correlation_id"]),
        "source_format": fmt,
        "raw": raw,
    }
    return Row("directory_audits", values)


def other_row(
    record: Mapping[str, object],
    *,
    category: str,
    raw: str,
    fmt: str,
    envelope: Mapping[str, object] | None = None,
) -> Row:
    """A ``directory_audits`` row for a category without a table (risk events, provisioning)."""
    env = envelope or {}
    time = required_time(record, OTHER["time"], env, f"{category} record without a valid time")
    record_id = first_text(record, OTHER["id"])
    user_id = first_text(record, OTHER["user_id"])
    values: DirectoryAuditsRow = {
        "record_key": record_key(record_id, time, record),
        "id": record_id,
        "time": time,
        "category": category,
        "activity": first_text(record, OTHER["activity"]) or text(env.get("operationName")),
        "operation_type": None,
        "result": first_text(record, OTHER["result"]) or text(env.get("resultType")),
        "logged_by_service": None,
        "initiated_by_upn": first_upn(record, OTHER["upn"]),
        "initiated_by_app_id": None,
        "initiated_by_ip": first_ip(record, OTHER["ip"], env.get("callerIpAddress")),
        "target_ids": user_id,
        "target_names": first_text(record, OTHER["user_name"]),
        "modified_properties": None,
        "correlation_id": first_text(record, OTHER["correlation_id"]),
        "source_format": fmt,
        "raw": raw,
    }
    return Row("directory_audits", values)


def _child(parent: object, name: str) -> Mapping[str, object]:
    child = parent.get(name) if isinstance(parent, dict) else None
    return child if isinstance(child, dict) else {}


def _joined(targets: list[dict[str, object]], names: tuple[str, ...]) -> str | None:
    """Non-blank values of the first present spelling per target, joined with '; '."""
    values = [first_text(target, names) for target in targets]
    kept = [value for value in values if value]
    return "; ".join(kept) if kept else None


def _modified(targets: list[dict[str, object]]) -> str:
    """Every target's ``modifiedProperties`` as a JSON array of {name, old, new}."""
    changes = []
    for target in targets:
        properties = target.get("modifiedProperties")
        if not isinstance(properties, list):
            continue
        for change in properties:
            if isinstance(change, dict):
                changes.append(
                    {
                        "name": change.get("displayName"),
                        "old": change.get("oldValue"),
                        "new": change.get("newValue"),
                    }
                )
    return orjson.dumps(changes).decode()
