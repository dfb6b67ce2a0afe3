"""MISP JSON event exports: ``{"Event": {"Attribute": […], "Object": [{"Attribute": […]}]}}``.

The MISP core format (https://www.misp-standard.org/rfc/misp-standard-core.html): an event
holds attributes, directly and inside objects, each with a ``type`` from MISP's attribute
types, a ``value``, the ``to_ids`` flag, a ``timestamp`` (Unix seconds) and optional
``first_seen``/``last_seen``. ``/events/restSearch`` wraps events as ``{"response": [...]}``.
Types go through the shared vocabulary, so a MISP event and its CSV export give the same
indicators: the window starts at ``first_seen``, else at the attribute's timestamp (the
CSV export's ``date`` column).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mailscope.errors import Location, RuleError
from mailscope.intel.entries import Entries, ids_strength, line_of


def is_misp_export(document: object) -> bool:
    """Whether a parsed JSON document is a MISP event export (one event or a restSearch)."""
    if not isinstance(document, dict):
        return False
    return isinstance(document.get("Event"), dict) or isinstance(document.get("response"), list)


def read_misp_events(text: str, document: dict[str, Any], *, location: str) -> Entries:
    """Every attribute of every event in ``document`` (``text`` gives each one's line)."""
    entries = Entries()
    for event in _events(document, location):
        source = str(event.get("info") or "")
        for number, (attribute, object_name) in enumerate(_attributes(event), start=1):
            where = _where(text, location, attribute, number)
            if not isinstance(attribute, dict):
                entries.refuse(RuleError("MISP attribute is not a JSON object", location=where))
                continue
            if attribute.get("deleted") is True:
                entries.skip(where, "deleted attribute")
                continue
            entries.add(
                _text(attribute.get("type")),
                _text(attribute.get("value")),
                where=where,
                valid_from=attribute.get("first_seen") or attribute.get("timestamp"),
                valid_until=attribute.get("last_seen"),
                role=_text(attribute.get("comment")) or object_name,
                strength=ids_strength(attribute.get("to_ids", True)),
                source=source,
            )
    return entries


def _events(document: dict[str, Any], location: str) -> Iterator[dict[str, Any]]:
    if isinstance(document.get("Event"), dict):
        yield document["Event"]
        return
    for number, item in enumerate(document.get("response") or [], start=1):
        event = item.get("Event") if isinstance(item, dict) else None
        if not isinstance(event, dict):
            raise RuleError(f"MISP response item {number} holds no Event", location=location)
        yield event


def _attributes(event: dict[str, Any]) -> Iterator[tuple[Any, str]]:
    """(attribute, name of the object holding it or '') for the event's attributes."""
    for attribute in event.get("Attribute") or []:
        yield attribute, ""
    for obj in event.get("Object") or []:
        name = _text(obj.get("name")) if isinstance(obj, dict) else ""
        for attribute in (obj.get("Attribute") if isinstance(obj, dict) else None) or []:
            yield attribute, name


def _where(text: str, location: str, attribute: object, number: int) -> Location:
    uuid = attribute.get("uuid") if isinstance(attribute, dict) else None
    line = line_of(text, "uuid", str(uuid)) if uuid else None
    return Location(location, line) if line else Location(location, detail=f"attribute {number}")


def _text(value: object) -> str:
    return "" if value is None else str(value)
