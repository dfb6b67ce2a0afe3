"""Decide, record by record, which table an Entra record belongs to, and map it.

Files mix shapes: an Event Hub capture interleaves sign-in, audit, Graph activity and risk
categories; a Graph ``directoryAudits`` export can hold a ``signIns`` object. So every JSON
record is routed on its own:

1. Event Hub / diagnostic-settings records (``category`` + ``properties``): by category.
2. Sentinel rows: by ``Type`` (table name), else by ``Category`` when it names a log.
3. Otherwise by the keys the record carries (``activityDisplayName`` → audit,
   ``createdDateTime`` + ``appId`` → sign-in, ``requestUri`` → Graph activity,
   ``riskEventType`` → risk detection, ``userPrincipalName`` + profile fields → user).

Categories without a table of their own go to ``directory_audits`` (see ``audit_map``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from mailscope.ingest.base import Bad, Item, Parsed, Source
from mailscope.ingest.normalise import maybe_json
from mailscope.ingest.readers.entra.audit_map import audit_row, other_row
from mailscope.ingest.readers.entra.fields import CATEGORIES
from mailscope.ingest.readers.entra.graph_map import graph_row
from mailscope.ingest.readers.entra.json_records import iter_records
from mailscope.ingest.readers.entra.signin_map import signin_row
from mailscope.ingest.readers.entra.users_map import user_row
from mailscope.model.row import Row

_SIGNIN_MARKERS = (
    "uniqueTokenIdentifier",
    "UniqueTokenIdentifier",
    "signInEventTypes",
    "isInteractive",
    "IsInteractive",
    "clientAppUsed",
    "ClientAppUsed",
    "conditionalAccessStatus",
    "ConditionalAccessStatus",
)
_USER_MARKERS = (
    "jobTitle",
    "officeLocation",
    "accountEnabled",
    "businessPhones",
    "givenName",
    "surname",
    "department",
    "mail",
    "userType",
)
# Graph identity-protection objects (riskDetection, riskyUser) -> the category they get.
_RISK_MARKERS = (
    ("riskEventType", "RiskDetection"),
    ("RiskEventType", "RiskDetection"),
    ("riskLastUpdatedDateTime", "RiskyUser"),
    ("RiskLastUpdatedDateTime", "RiskyUser"),
)


def map_record(record: object, raw: str, fmt: str) -> Row:
    """The row of one Entra record, or ``Bad`` with the reason."""
    if not isinstance(record, dict):
        raise Bad.because("not a JSON object")
    category = record.get("category")
    if isinstance(category, str) and "properties" in record:
        return _event_hub(record, category, raw, fmt)
    for label in (record.get("Type"), record.get("Category")):
        if isinstance(label, str) and label.lower() in CATEGORIES:
            return _by_table(CATEGORIES[label.lower()], record, raw, fmt, None)
    row = _by_keys(record, raw, fmt)
    if row is not None:
        return row
    table_name = record.get("Type")
    if isinstance(table_name, str) and table_name.strip() and "TimeGenerated" in record:
        return other_row(record, category=table_name.strip(), raw=raw, fmt=fmt)
    raise Bad.because("not an Entra sign-in, audit, Graph activity or directory user record")


def _event_hub(record: Mapping[str, object], category: str, raw: str, fmt: str) -> Row:
    properties = maybe_json(record.get("properties"))
    if not isinstance(properties, dict):
        raise Bad.because(f"Event Hub {category} record whose properties is not an object")
    known = CATEGORIES.get(category.lower())
    if known is None:
        return other_row(properties, category=category, raw=raw, fmt=fmt, envelope=record)
    return _by_table(known, properties, raw, fmt, record)


def _by_table(
    known: tuple[str, str],
    record: Mapping[str, object],
    raw: str,
    fmt: str,
    envelope: Mapping[str, object] | None,
) -> Row:
    table, kind = known
    if table == "signins":
        return signin_row(record, raw=raw, fmt=fmt, kind=kind, envelope=envelope)
    if table == "graph_activity":
        return graph_row(record, raw=raw, fmt=fmt, envelope=envelope)
    return audit_row(record, raw=raw, fmt=fmt, envelope=envelope)


def _by_keys(record: Mapping[str, object], raw: str, fmt: str) -> Row | None:
    if "activityDisplayName" in record or "ActivityDisplayName" in record:
        return audit_row(record, raw=raw, fmt=fmt)
    if ("createdDateTime" in record and "appId" in record) or any(
        marker in record for marker in _SIGNIN_MARKERS
    ):
        return signin_row(record, raw=raw, fmt=fmt)
    if "requestUri" in record or "RequestUri" in record:
        return graph_row(record, raw=raw, fmt=fmt)
    for marker, category in _RISK_MARKERS:
        if marker in record:
            return other_row(record, category=category, raw=raw, fmt=fmt)
    if ("userPrincipalName" in record or "UserPrincipalName" in record) and any(
        marker in record for marker in _USER_MARKERS
    ):
        return user_row(record)
    return None


def _as_is(record: object) -> object:
    return record


def route_json(
    source: Source, fmt: str, keys: Callable[[object], object] = _as_is
) -> Iterator[Item]:
    """Every record of a JSON Entra file (its keys respelt by ``keys``), routed and mapped;
    unusable ones quarantined."""
    for found in iter_records(source):
        if isinstance(found, Bad):
            yield found
            continue
        line, record, raw = found
        try:
            yield Parsed(line, (map_record(keys(record), raw, fmt),))
        except Bad as bad:
            yield bad.at(line, raw)
