"""Ground truth in the ``mailscope.scope/1`` contract, computed from the generated records
by exactly the exposure rule of DESIGN.md ("Scope output contract"):

exposed = Bind message ids
        ∪ messages of a Synced folder (that folder only) dated at or before the Sync
        ∪ every message dated at or before the end of a throttled 24 h window that began
          after the actor's first access to the mailbox.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from mailscope.simulate.evidence import AuditRecord, Evidence, JsonObject
from mailscope.simulate.ids import iso
from mailscope.simulate.mail import Message
from mailscope.simulate.org import Organisation

SCHEMA = "mailscope.scope/1"
THROTTLE_WINDOW = timedelta(hours=24)


def access_type(data: JsonObject) -> str:
    """``MailAccessType`` of a MailItemsAccessed record."""
    return _property(data, "MailAccessType")


def is_throttled(data: JsonObject) -> bool:
    """Whether the record says ``IsThrottled: True``."""
    return _property(data, "IsThrottled") == "True"


def _property(data: JsonObject, name: str) -> str:
    for entry in data.get("OperationProperties", []):
        if entry.get("Name") == name:
            return str(entry.get("Value", ""))
    return ""


def export_folder(path: str) -> str:
    """``\\Inbox\\Travel`` -> ``Inbox/Travel``."""
    return path.strip("\\").replace("\\", "/")


def throttle_windows(records: Iterable[AuditRecord]) -> dict[str, list[datetime]]:
    """Start of every throttled window per mailbox: the first IsThrottled record opens a
    24 h window; IsThrottled records inside it belong to it; a later one opens the next."""
    stamps: dict[str, list[datetime]] = {}
    for record in records:
        if record.data.get("Operation") == "MailItemsAccessed" and is_throttled(record.data):
            stamps.setdefault(record.data["MailboxOwnerUPN"], []).append(record.time)
    windows: dict[str, list[datetime]] = {}
    for upn, times in stamps.items():
        for when in sorted(times):
            opened = windows.setdefault(upn, [])
            if not opened or when > opened[-1] + THROTTLE_WINDOW:
                opened.append(when)
    return windows


def exposure(
    actor_records: list[AuditRecord],
    messages: list[Message],
    windows: list[datetime],
) -> tuple[dict[str, set[str]], datetime, datetime]:
    """Exposed message ids of one mailbox per basis, and the actor's first/last access."""
    first = min(r.time for r in actor_records)
    last = max(r.time for r in actor_records)
    bind: set[str] = set()
    sync: set[str] = set()
    for record in actor_records:
        kind = access_type(record.data)
        for folder in record.data.get("Folders", []):
            if kind == "Bind":
                bind.update(i["InternetMessageId"] for i in folder.get("FolderItems", []))
            elif kind == "Sync":
                path = export_folder(folder["Path"])
                sync.update(
                    m.message_id for m in messages if m.folder == path and m.date <= record.time
                )
    throttled: set[str] = set()
    for start in windows:
        if start > first:
            end = start + THROTTLE_WINDOW
            throttled.update(m.message_id for m in messages if m.date <= end)
    return {"bind": bind, "sync": sync, "throttled": throttled}, first, last


def build_truth(
    evidence: Evidence,
    org: Organisation,
    mailboxes: dict[str, list[Message]],
    scenario: dict[str, Any],
) -> JsonObject:
    """The full truth document: scope contract fields plus scenario, distractors and the
    sensitive labels of every exported message."""
    by_mailbox: dict[str, list[AuditRecord]] = {}
    for record in evidence.audit:
        if record.actor and record.data.get("Operation") == "MailItemsAccessed":
            by_mailbox.setdefault(record.data["MailboxOwnerUPN"], []).append(record)
    windows = throttle_windows(evidence.audit)
    labels = {m.message_id: m for box in mailboxes.values() for m in box}
    compromised: list[JsonObject] = []
    all_ssns: set[str] = set()
    department_counts: dict[str, int] = {}
    for upn in sorted(by_mailbox):
        bases, first, last = exposure(by_mailbox[upn], mailboxes.get(upn, []), windows.get(upn, []))
        exposed = sorted(bases["bind"] | bases["sync"] | bases["throttled"])
        found = [labels[m] for m in exposed if m in labels]
        ssns = {s for m in found for s in m.ssns}
        all_ssns |= ssns
        department = org.by_upn[upn].department
        department_counts[department] = department_counts.get(department, 0) + len(exposed)
        compromised.append(
            {
                "upn": upn,
                "department": department,
                "first_access": iso(first),
                "last_access": iso(last),
                "exposed_message_ids": exposed,
                "exposure_basis": {k: len(v) for k, v in bases.items()},
                "sensitive": {
                    "us_ssn": len(ssns),
                    "itinerary_messages": sum(m.itinerary for m in found),
                    "marked_messages": sum(m.marking is not None for m in found),
                },
            }
        )
    total = sum(len(c["exposed_message_ids"]) for c in compromised)
    actor = evidence.actor
    return {
        "schema": SCHEMA,
        "compromised_mailboxes": compromised,
        "actor": {
            "ips": sorted(actor.ips),
            "session_ids": sorted(actor.session_ids),
            "app_ids": sorted(actor.app_ids),
            "user_agents": sorted(actor.user_agents),
            "token_ids": sorted(actor.token_ids),
        },
        "totals": {
            "mailboxes": len(compromised),
            "exposed_messages": total,
            "us_ssn": len(all_ssns),
            "itinerary_messages": sum(c["sensitive"]["itinerary_messages"] for c in compromised),
            "marked_messages": sum(c["sensitive"]["marked_messages"] for c in compromised),
            "department_share": {
                d: round(n / total, 6) for d, n in sorted(department_counts.items()) if total
            },
        },
        "scenario": scenario,
        "distractors": evidence.distractors,
        "sensitive_labels": [
            {
                "message_id": m.message_id,
                "mailbox": m.mailbox,
                "folder": m.folder,
                "us_ssn": list(m.ssns),
                "itinerary": m.itinerary,
                "marking": m.marking,
            }
            for upn in sorted(mailboxes)
            for m in mailboxes[upn]
            if m.ssns or m.itinerary or m.marking
        ],
    }
