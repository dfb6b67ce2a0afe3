"""Exchange's MailItemsAccessed throttling, applied to every mailbox after all activity.

Purview: "If more than 1000 MailItemsAccessed audit records are generated in less than 24
hours, Exchange Online will stop generating auditing records for MailItemsAccessed
activity" for 24 hours; "Mailboxes are throttled only for Bind operations. Audit records
for sync operations are not throttled." The record that crosses the threshold carries
IsThrottled True; Bind records of the next 24 hours are never written.
"""

from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta

from tests.independent.mgmt_api.model import Record, World

LIMIT = 1000
WINDOW = timedelta(hours=24)


def _when(record: Record) -> datetime:
    return datetime.fromisoformat(str(record["CreationTime"]) + "+00:00")


def _access(record: Record) -> str:
    return str(record["OperationProperties"][0]["Value"])


def apply_throttling(world: World) -> dict[str, list[datetime]]:
    """Drop Bind records Exchange would not have logged; return each mailbox's throttle starts."""
    world.records.sort(key=lambda r: (str(r["CreationTime"]), str(r["Id"])))
    recent: dict[str, deque[datetime]] = {}
    until: dict[str, datetime] = {}
    starts: dict[str, list[datetime]] = {}
    kept: list[Record] = []
    for record in world.records:
        if record.get("Operation") != "MailItemsAccessed":
            kept.append(record)
            continue
        owner, when = str(record["MailboxOwnerUPN"]), _when(record)
        if owner in until and when < until[owner]:
            if _access(record) == "Sync":
                kept.append(record)
            else:
                world.actor_record_ids.discard(str(record["Id"]))
            continue
        window = recent.setdefault(owner, deque())
        while window and when - window[0] >= WINDOW:
            window.popleft()
        window.append(when)
        if len(window) > LIMIT:
            record["OperationProperties"][1]["Value"] = "True"
            until[owner] = when + WINDOW
            starts.setdefault(owner, []).append(when)
            window.clear()
        kept.append(record)
    world.records = kept
    return starts
