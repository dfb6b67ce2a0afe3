"""Google Workspace Reports API activities (``admin#reports#activity``) → ``audit_events``.

Reads API records (``{"kind", "id": {time, uniqueQualifier, applicationName, customerId},
"actor", "ipAddress", "events": [{type, name, parameters: [{name, value|multiValue|…}]}]}``;
Google docs, "Activities: list"), one per line or as ``{"items": […]}`` pages, and the
flattened form SIEMs store (Panther: one event per record, ``name``/``type``/``parameters``
at the top level; fixtures wrap it as ``{"log": {…}}``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import orjson

from mailscope.ingest.base import Bad, Item, Parsed, Source
from mailscope.ingest.containers import decode_head, first_json_char, iter_json_records
from mailscope.ingest.normalise import (
    content_key,
    normalise_ip,
    normalise_upn,
    parse_time,
    text,
)
from mailscope.model.evidence_tables import AuditEventsRow
from mailscope.model.row import Row

NAME = "google_reports_activity"
_KIND = "admin#reports#activity"
# Keys a SIEM adds around the API record (Panther ``p_*`` enrichment, fixture metadata).
_WRAPPER_PREFIXES = ("p_", "_")
# Typed value fields of a Reports API event parameter (Google docs, "Activities" resource).
_VALUE_FIELDS = (
    "value",
    "multiValue",
    "intValue",
    "multiIntValue",
    "boolValue",
    "messageValue",
    "multiMessageValue",
)


class ReportsActivityReader:
    """Google Workspace admin/login/drive/token/gmail … activity records."""

    name = NAME

    def sniff(self, head: bytes, filename: str) -> bool:
        return first_json_char(head) in ("{", "[") and _KIND in decode_head(head)

    def read(self, source: Source) -> Iterator[Item]:
        for line, record in iter_json_records(source):
            if isinstance(record, Bad):
                yield record
                continue
            activity = _unwrap(record)
            if activity is None:
                yield Bad(line, "not a Reports API activity", _dump(record))
                continue
            yield Parsed(line, (Row("audit_events", activity_values(activity)),))


def _unwrap(record: object) -> Mapping[str, object] | None:
    """The activity inside a record: itself, or the ``log`` of a SIEM wrapper."""
    if not isinstance(record, Mapping):
        return None
    inner = record.get("log")
    if "id" not in record and isinstance(inner, Mapping):
        record = inner
    identity = record.get("id")
    if not isinstance(identity, Mapping) or "applicationName" not in identity:
        return None
    return record


def activity_values(activity: Mapping[str, object]) -> AuditEventsRow:
    """The ``audit_events`` columns of one activity."""
    identity = _mapping(activity.get("id"))
    actor = _mapping(activity.get("actor"))
    application = text(identity.get("applicationName"))
    time_text = text(identity.get("time"))
    qualifier = text(identity.get("uniqueQualifier"))
    events = _events(activity)
    evidence = {k: v for k, v in activity.items() if not k.startswith(_WRAPPER_PREFIXES)}
    evidence.pop("etag", None)
    return {
        # uniqueQualifier only separates activities of the same time; hand-made and
        # flattened records reuse ids, so the activity content is part of the key.
        "record_key": content_key("google", application, time_text, qualifier, evidence),
        "id": ":".join(filter(None, (qualifier, time_text, application))) or None,
        "time": parse_time(time_text),
        "workload": f"Google:{application}" if application else "Google",
        "operation": ",".join(filter(None, (text(e.get("name")) for e in events))) or None,
        "user_id": normalise_upn(actor.get("email")),
        "client_ip": normalise_ip(activity.get("ipAddress")),
        "organization_id": text(identity.get("customerId")),
        "parameters": _parameters(events),
        "source_format": NAME,
        "raw": _dump(activity),
    }


def _events(activity: Mapping[str, object]) -> list[Mapping[str, object]]:
    """The API ``events`` list, or the single flattened event of a SIEM record."""
    events = activity.get("events")
    if isinstance(events, list):
        return [event for event in events if isinstance(event, Mapping)]
    if "name" in activity or "parameters" in activity:
        return [activity]
    return []


def _parameters(events: list[Mapping[str, object]]) -> str | None:
    """``{name: value}`` of every event's parameters (later events do not overwrite)."""
    merged: dict[str, object] = {}
    for event in events:
        parameters = event.get("parameters")
        if isinstance(parameters, Mapping):
            for name, value in parameters.items():
                merged.setdefault(str(name), value)
        elif isinstance(parameters, list):
            for parameter in parameters:
                if isinstance(parameter, Mapping) and "name" in parameter:
                    merged.setdefault(str(parameter["name"]), _parameter_value(parameter))
    if not merged:
        return None
    return orjson.dumps(merged, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS).decode()


def _parameter_value(parameter: Mapping[str, object]) -> object:
    for field in _VALUE_FIELDS:
        if field in parameter:
            return parameter[field]
    return None


def _mapping(value: object) -> Mapping[str, object]:
    return value if isinstance(value, Mapping) else {}


def _dump(value: object) -> str:
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
