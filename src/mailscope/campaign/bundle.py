"""An organisation's view from its STIX 2.1 indicator bundle (``report/iocs.stix.json``).

mailscope's own bundles carry everything the campaign view compares (``x_mailscope_*``
properties, see ``report/stix_out.py``). A bundle from another tool is read too: its
indicators' patterns (the same grammar ``mailscope intel`` reads), sightings and any
``user-account`` objects; what it does not say (the verdict, how common an address is in
that tenant) stays unknown rather than guessed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import stix2

from mailscope.campaign.views import Mailbox, OrgView, Trace
from mailscope.errors import UsageError
from mailscope.intel.stix import comparisons
from mailscope.report.stix_out import EXTENSION_ID, UNNAMED

# mailscope indicator types (intel.stix.PATH_TYPES) -> the kinds organisations are compared on.
_KINDS = {"ipv4-addr": "ip", "ipv6-addr": "ip", "ip": "ip", "user-agent": "user_agent"}
_KINDS["app-id"] = "app"


def read_bundle(path: Path) -> OrgView:
    """The view of the organisation an indicator bundle file describes."""
    try:
        text = path.read_text("utf-8")
        stix2.parse(text, allow_custom=True)  # refuses what is not a STIX 2.1 bundle
        document = orjson.loads(text)
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror}") from error
    except Exception as error:  # stix2 and orjson raise their own exception families
        raise UsageError(
            f"{path} is not a STIX 2.1 bundle: {error}",
            hint="pass the iocs.stix.json that 'mailscope report' writes, or a case folder",
        ) from error
    if not isinstance(document, dict) or document.get("type") != "bundle":
        raise UsageError(f"{path} is not a STIX 2.1 bundle (no 'bundle' object at the top)")
    return view_from_bundle(document, str(path), "bundle", fallback_name=path.stem)


def view_from_bundle(
    document: dict[str, Any], source: str, source_kind: str, *, fallback_name: str = ""
) -> OrgView:
    """The view a parsed bundle gives (``source_kind`` 'bundle', or 'case' when the case
    itself produced it)."""
    objects = [o for o in document.get("objects") or [] if isinstance(o, dict)]
    incident = next((o for o in objects if o.get("type") == "incident"), {})
    mailboxes = tuple(
        sorted(
            (_mailbox(o) for o in objects if o.get("type") == "user-account"),
            key=lambda m: m.upn,
        )
    )
    traces = _traces(objects)
    found = incident.get("x_mailscope_intrusion_found")
    mailscope_bundle = isinstance(found, bool)
    if not mailscope_bundle:
        found = True if traces else None
    exposed = incident.get("x_mailscope_exposed_messages")
    suspected = incident.get("x_mailscope_suspected_mailboxes")
    return OrgView(
        name=_organisation(objects) or fallback_name,
        source=source,
        source_kind=source_kind,
        intrusion_found=found,
        unassessed=str(incident.get("x_mailscope_unassessed") or "")
        if mailscope_bundle
        else "the bundle carries no mailscope verdict: mailboxes and common use unknown",
        mailboxes=mailboxes,
        exposed_messages=exposed
        if isinstance(exposed, int)
        else sum(m.exposed_messages for m in mailboxes),
        traces=traces,
        rules=tuple(sorted(str(r) for r in incident.get("x_mailscope_rules") or [])),
        # (stix2 drops empty lists: a mailscope bundle without the property has none)
        techniques=tuple(sorted(str(t) for t in incident.get("x_mailscope_techniques") or []))
        if mailscope_bundle
        else _techniques(objects),
        blind_spots=tuple(str(b) for b in incident.get("x_mailscope_blind_spots") or []),
        suspected_mailboxes=suspected if isinstance(suspected, int) else 0,
    )


def _organisation(objects: list[dict[str, Any]]) -> str:
    """The organisation the sightings were made at (else any organisation identity; a
    mailscope case that could name no domain says so, and the caller names it instead)."""
    names = {
        o.get("id"): str(o.get("name") or "")
        for o in objects
        if _is_org(o) and o.get("name") != UNNAMED
    }
    for sighting in (o for o in objects if o.get("type") == "sighting"):
        for ref in sighting.get("where_sighted_refs") or []:
            if names.get(ref):
                return names[ref]
    return next((n for n in sorted(names.values()) if n), "")


def _is_org(obj: dict[str, Any]) -> bool:
    return obj.get("type") == "identity" and obj.get("identity_class") == "organization"


def _mailbox(obj: dict[str, Any]) -> Mailbox:
    extension = (obj.get("extensions") or {}).get(EXTENSION_ID) or {}
    exposed = extension.get("exposed_messages")
    return Mailbox(
        upn=str(obj.get("user_id") or obj.get("account_login") or "").lower(),
        department=str(extension.get("department") or ""),
        first_access=str(extension.get("first_access") or ""),
        last_access=str(extension.get("last_access") or ""),
        exposed_messages=exposed if isinstance(exposed, int) else 0,
    )


def _traces(objects: list[dict[str, Any]]) -> tuple[Trace, ...]:
    sightings = {o.get("sighting_of_ref"): o for o in objects if o.get("type") == "sighting"}
    found: dict[tuple[str, str], Trace] = {}
    for obj in objects:
        if obj.get("type") != "indicator" or obj.get("pattern_type") != "stix":
            continue
        seen = sightings.get(obj.get("id"), {})
        records = obj.get("x_mailscope_records", seen.get("count", 0))
        ordinary = obj.get("x_mailscope_ordinary_accounts")
        for kind, value, problem, _ in comparisons(str(obj.get("pattern"))):
            ours = _KINDS.get(kind)
            if problem or ours is None or not value:
                continue
            trace = Trace(
                kind=ours,
                value=value if ours == "user_agent" else value.lower(),
                first_seen=_time(seen.get("first_seen") or obj.get("valid_from")),
                last_seen=_time(seen.get("last_seen") or obj.get("valid_until")),
                records=records if isinstance(records, int) else 0,
                tier=str(obj.get("x_mailscope_tier") or "confirmed"),
                ordinary_accounts=ordinary if isinstance(ordinary, int) else -1,
            )
            found.setdefault((trace.kind, trace.value), trace)
    return tuple(found[key] for key in sorted(found))


def _time(value: object) -> str:
    """STIX timestamps as scope.json writes times (seconds, ``Z``)."""
    text = str(value or "")
    if not text:
        return ""
    head = text.removesuffix("Z").split(".", 1)[0]
    return f"{head}Z"


def _techniques(objects: list[dict[str, Any]]) -> tuple[str, ...]:
    ids = {
        str(ref.get("external_id"))
        for o in objects
        if o.get("type") == "attack-pattern"
        for ref in o.get("external_references") or []
        if isinstance(ref, dict) and ref.get("source_name") == "mitre-attack"
    }
    return tuple(sorted(i for i in ids if i and i != "None"))
