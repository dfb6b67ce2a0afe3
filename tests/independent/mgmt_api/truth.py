"""Ground truth from the staged intrusion, by DESIGN.md's "Scope output contract" rule.

Exposed messages of a mailbox = Bind message ids of the actor's (logged) records ∪ messages
of a Synced folder (that folder, not subfolders) dated at or before the Sync ∪ every
message dated at or before the end of a throttled 24 h window that began after the actor's
first access. ``us_ssn`` counts distinct valid SSNs in the subject or body of exposed
messages (``ssn.find_ssns``).
"""

from __future__ import annotations

import ipaddress
from datetime import datetime
from typing import Any

from tests.independent.mgmt_api.intrusion import Actor
from tests.independent.mgmt_api.model import Message, Record, World, iso_z
from tests.independent.mgmt_api.ssn import find_ssns
from tests.independent.mgmt_api.throttle import WINDOW


def message_ssns(message: Message) -> set[str]:
    return find_ssns(message.subject + "\n" + message.body)


def _folder(path: str) -> str:
    return path.lstrip("\\").replace("\\", "/")


def _exposure(
    world: World, upn: str, records: list[Record], throttles: list[datetime]
) -> dict[str, Any]:
    mailbox = world.mailboxes[upn]
    times = [datetime.fromisoformat(str(r["CreationTime"]) + "+00:00") for r in records]
    first, last = min(times), max(times)
    bind: set[str] = set()
    sync: set[str] = set()
    for record, when in zip(records, times, strict=True):
        for folder in record["Folders"]:
            if record["OperationProperties"][0]["Value"] == "Bind":
                bind.update(i["InternetMessageId"] for i in folder.get("FolderItems", []))
            else:
                messages = mailbox.folders.get(_folder(folder["Path"]), [])
                sync.update(m.message_id for m in messages if m.date <= when)
    throttled: set[str] = set()
    for start in throttles:
        if start > first:
            end = start + WINDOW
            throttled.update(m.message_id for _, m in mailbox.messages() if m.date <= end)
    exposed = bind | sync | throttled
    by_id = {m.message_id: m for _, m in mailbox.messages()}
    ssns: set[str] = set()
    for message_id in exposed:
        if message_id in by_id:
            ssns |= message_ssns(by_id[message_id])
    return {
        "upn": upn.lower(),
        "first_access": iso_z(first),
        "last_access": iso_z(last),
        "exposed_message_ids": sorted(exposed),
        "exposure_basis": {"bind": len(bind), "sync": len(sync), "throttled": len(throttled)},
        "sensitive": {"us_ssn": len(ssns)},
        "_ssns": ssns,
    }


def _ip(value: str) -> str:
    return str(ipaddress.ip_address(value))


def compute_truth(
    world: World,
    scenario: str,
    seed: int,
    actor: Actor | None,
    throttles: dict[str, list[datetime]],
) -> dict[str, Any]:
    """The truth dict (``mailscope.scope/1`` subset plus generator metadata and look-alikes)."""
    actor_records = [r for r in world.records if str(r["Id"]) in world.actor_record_ids]
    by_owner: dict[str, list[Record]] = {}
    for record in actor_records:
        if record.get("Operation") == "MailItemsAccessed":
            by_owner.setdefault(str(record["MailboxOwnerUPN"]), []).append(record)
    mailboxes = [
        _exposure(world, upn, records, throttles.get(upn, []))
        for upn, records in sorted(by_owner.items())
    ]
    all_ssns: set[str] = set()
    for entry in mailboxes:
        all_ssns |= entry.pop("_ssns")
    ips: set[str] = set()
    sessions: set[str] = set()
    tokens: set[str] = set()
    apps: set[str] = set()
    for record in actor_records:
        ips.add(_ip(str(record["ClientIPAddress"])))
        apps.add(str(record["ClientAppId"]))
        context = record.get("AppAccessContext") or {}
        if "UniqueTokenId" in context:
            tokens.add(context["UniqueTokenId"])
        if "AADSessionId" in context:
            sessions.add(context["AADSessionId"])
    if actor is not None:
        ips |= {_ip(ip) for ip in actor.signin_ips}
        sessions |= actor.session_ids
        tokens |= actor.token_ids
        apps |= actor.app_ids
    return {
        "schema": "mailscope.scope/1",
        "generator": "mgmt_api",
        "scenario": scenario,
        "seed": seed,
        "intrusion": actor is not None,
        "compromised_mailboxes": mailboxes,
        "actor": {
            "ips": sorted(ips),
            "session_ids": sorted(sessions),
            "token_ids": sorted(tokens),
            "app_ids": sorted(apps),
            "accounts": sorted(actor.accounts) if actor else [],
        },
        "totals": {
            "mailboxes": len(mailboxes),
            "exposed_messages": sum(len(m["exposed_message_ids"]) for m in mailboxes),
            "us_ssn": len(all_ssns),
        },
        "period": {"start": iso_z(world.start), "end": iso_z(world.end)},
        "lookalikes": world.lookalikes,
    }
