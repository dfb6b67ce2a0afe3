"""``campaign.json`` (schema ``mailscope.campaign/1``): built from a :class:`Campaign`,
validated against the shipped JSON Schema, written with sorted keys (same inputs, same
bytes)."""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import orjson

from mailscope.campaign.assess import STATUSES, Campaign
from mailscope.campaign.links import Evidence, Link
from mailscope.campaign.views import OrgView, Trace

SCHEMA_ID = "mailscope.campaign/1"
CAMPAIGN_FILE = "campaign.json"


@cache
def campaign_schema() -> dict[str, Any]:
    """The JSON Schema of ``mailscope.campaign/1`` shipped in the package."""
    text = files("mailscope.campaign").joinpath("schema/campaign.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def validate_document(document: dict[str, Any]) -> None:
    """Raise ``jsonschema.ValidationError`` when the document breaks the contract."""
    jsonschema.validate(document, campaign_schema())


def build_document(campaign: Campaign) -> dict[str, Any]:
    """The whole campaign as data."""
    members = [campaign.view(name) for name in campaign.members]
    counts = {s: sum(1 for v in campaign.status.values() if v == s) for s in STATUSES}
    mailboxes = sum(len(v.mailboxes) for v in members)
    exposed = sum(v.exposed_messages for v in members)
    firsts = [v.first_seen for v in members if v.first_seen]
    lasts = [v.last_seen for v in members if v.last_seen]
    return {
        "schema": SCHEMA_ID,
        "summary": {
            "organisations": len(campaign.views),
            **counts,
            "mailboxes": mailboxes,
            "exposed_messages": exposed,
            "first_seen": min(firsts, default=""),
            "last_seen": max(lasts, default=""),
            "headline": (
                f"{len(members)} organisation(s) hit, {mailboxes} mailbox(es), "
                f"{exposed} message(s) read"
            ),
        },
        "organisations": [_organisation(campaign, view) for view in campaign.views],
        "groups": [list(group) for group in campaign.groups],
        "shared_infrastructure": [
            {
                "kind": item.kind,
                "value": item.value,
                "links": not item.excluded and len(item.traces) > 1,
                "excluded": item.excluded,
                "organisations": [{"name": name, **_trace(t)} for name, t in item.traces],
            }
            for item in campaign.shared
        ],
        "hunted": campaign.hunted,
        "timeline": timeline(campaign),
    }


def _organisation(campaign: Campaign, view: OrgView) -> dict[str, Any]:
    return {
        "name": view.name,
        "status": campaign.status[view.name],
        "why": campaign.why[view.name],
        "source": view.source,
        "source_kind": view.source_kind,
        "mailboxes": [
            {
                "upn": m.upn,
                "department": m.department,
                "first_access": m.first_access,
                "last_access": m.last_access,
                "exposed_messages": m.exposed_messages,
            }
            for m in view.mailboxes
        ],
        "exposed_messages": view.exposed_messages,
        "first_seen": view.first_seen,
        "last_seen": view.last_seen,
        "departments": list(view.departments),
        "rules": list(view.rules),
        "techniques": list(view.techniques),
        "links": [_link(view.name, other, link) for other, link in campaign.links_of(view.name)],
        "blind_spots": list(view.blind_spots),
        "unassessed": view.unassessed,
        "suspected_mailboxes": view.suspected_mailboxes,
        "sightings": [
            {"kind": k, "value": v, "records": n}
            for k, v, n in campaign.sightings.get(view.name, ())
        ],
    }


def _link(name: str, other: str, link: Link) -> dict[str, Any]:
    flip = link.b == name
    return {
        "organisation": other,
        "strength": link.strength,
        "score": link.score,
        "evidence": [_evidence(e, flip) for e in link.evidence],
    }


def _evidence(evidence: Evidence, flip: bool) -> dict[str, Any]:
    here, there = (evidence.there, evidence.here) if flip else (evidence.here, evidence.there)
    return {
        "kind": evidence.kind,
        "value": evidence.value,
        "weight": evidence.weight,
        "note": evidence.note,
        "here": _trace(here) if here else None,
        "there": _trace(there) if there else None,
    }


def _trace(trace: Trace) -> dict[str, Any]:
    return {
        "value": trace.value,
        "first_seen": trace.first_seen,
        "last_seen": trace.last_seen,
        "records": trace.records,
        "tier": trace.tier,
        "ordinary_accounts": trace.ordinary_accounts,
        "record_keys": list(trace.record_keys),
    }


def timeline(campaign: Campaign) -> list[dict[str, str]]:
    """The campaign's events in time order: each organisation's first and last access,
    each mailbox's first read, each linking indicator's first use there."""
    linking = {(s.kind, s.value) for s in campaign.shared if not s.excluded and len(s.traces) > 1}
    events: list[dict[str, str]] = []
    for view in campaign.views:
        if campaign.status[view.name] not in ("hit", "unrelated_intrusion"):
            continue
        status = campaign.status[view.name]

        def add(time: str, event: str, detail: str, org: str = view.name, st: str = status) -> None:
            if time:
                events.append(
                    {
                        "time": time,
                        "organisation": org,
                        "status": st,
                        "event": event,
                        "detail": detail,
                    }
                )

        add(view.first_seen, "first access", f"{len(view.mailboxes)} mailbox(es) in scope")
        add(view.last_seen, "last access", f"{view.exposed_messages} message(s) exposed")
        for mailbox in view.mailboxes:
            add(mailbox.first_access, "mailbox first read", f"{mailbox.upn} ({mailbox.department})")
        for trace in view.traces:
            if (trace.kind, trace.value) in linking:
                add(trace.first_seen, "indicator first used", f"{trace.kind} {trace.value}")
    return sorted(events, key=lambda e: (e["time"], e["organisation"], e["event"], e["detail"]))


def write_document(document: dict[str, Any], out: Path) -> Path:
    """Validate and write ``out/campaign.json``."""
    validate_document(document)
    path = out / CAMPAIGN_FILE
    path.write_bytes(orjson.dumps(document, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2))
    return path
