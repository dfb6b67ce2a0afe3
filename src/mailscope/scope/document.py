"""The ``mailscope.scope/1`` document: built, validated against the shipped JSON Schema,
written deterministically (sorted keys and lists, UTC times with ``Z``)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import orjson

from mailscope.scope.evidence import MailboxEntry
from mailscope.scope.exposed_messages import ExposedMessage
from mailscope.scope.exposure import BASES, MailboxExposure
from mailscope.scope.org import Person, department_of, department_share

SCHEMA_ID = "mailscope.scope/1"
SCOPE_FILE = "scope.json"


@dataclass(frozen=True, slots=True)
class ActorSummary:
    """The actor's identifiers as published in scope.json (confirmed tier)."""

    ips: list[str]
    session_ids: list[str]
    app_ids: list[str]
    user_agents: list[str]
    token_ids: list[str] = field(default_factory=list)
    accounts: list[str] = field(default_factory=list)
    entities: list[dict[str, object]] = field(default_factory=list)


def iso(when: datetime) -> str:
    """ISO-8601 UTC with ``Z`` (store times are naive UTC)."""
    return when.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


@cache
def scope_schema() -> dict[str, Any]:
    """The JSON Schema of ``mailscope.scope/1`` shipped in the package."""
    text = files("mailscope.scope").joinpath("schema/scope.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def validate_document(document: dict[str, Any]) -> None:
    """Raise ``jsonschema.ValidationError`` when the document breaks the contract."""
    jsonschema.validate(document, scope_schema())


def build_document(
    boxes: list[MailboxExposure],
    messages: list[ExposedMessage],
    actor: ActorSummary,
    directory: dict[str, Person],
    entries: Sequence[MailboxEntry] = (),
) -> dict[str, Any]:
    """The scope document from the exposure, the scanned messages, the actor and why each
    mailbox is in scope. Totals and the headline count confirmed mailboxes only."""
    why = {entry.upn: entry for entry in entries}
    by_box: dict[str, list[ExposedMessage]] = defaultdict(list)
    for message in messages:
        by_box[message.mailbox].append(message)
    mailboxes: list[dict[str, Any]] = []
    all_ssns: set[str] = set()
    departments: dict[str, int] = defaultdict(int)
    for box in boxes:
        found = by_box.get(box.upn, [])
        ssns = {s for m in found for s in m.sensitivity.ssns}
        all_ssns |= ssns
        department = department_of(directory, box.upn)
        departments[department] += len(box.exposed)
        mailboxes.append(
            {
                "upn": box.upn,
                "department": department,
                "first_access": iso(box.first_access),
                "last_access": iso(box.last_access),
                "exposed_message_ids": sorted(box.exposed),
                "exposure_basis": {b: len(box.bases[b]) for b in BASES},
                "sensitive": {
                    "us_ssn": len(ssns),
                    "itinerary_messages": sum(m.sensitivity.itinerary for m in found),
                    "marked_messages": sum(m.sensitivity.marking for m in found),
                },
                **_why(why.get(box.upn)),
            }
        )
    suspected = [_suspected(e, directory) for e in entries if e.tier == "suspected"]
    return {
        "schema": SCHEMA_ID,
        "compromised_mailboxes": mailboxes,
        "actor": {
            "ips": sorted(actor.ips),
            "session_ids": sorted(actor.session_ids),
            "app_ids": sorted(actor.app_ids),
            "user_agents": sorted(actor.user_agents),
            "token_ids": sorted(actor.token_ids),
            "accounts": sorted(actor.accounts),
            "entities": actor.entities,
        },
        "suspected_mailboxes": suspected,
        "verdict": verdict(len(mailboxes), len(suspected)),
        "totals": {
            "mailboxes": len(mailboxes),
            "exposed_messages": sum(len(b.exposed) for b in boxes),
            "us_ssn": len(all_ssns),
            "itinerary_messages": sum(m["sensitive"]["itinerary_messages"] for m in mailboxes),
            "marked_messages": sum(m["sensitive"]["marked_messages"] for m in mailboxes),
            "department_share": department_share(dict(departments)),
        },
    }


def _why(entry: MailboxEntry | None) -> dict[str, Any]:
    if entry is None:
        return {"tier": "confirmed"}
    return {
        "tier": "confirmed",
        "why": entry.why,
        "evidence": [chain.as_dict() for chain in entry.chains[:5]],
    }


def _suspected(entry: MailboxEntry, directory: dict[str, Person]) -> dict[str, Any]:
    return {
        "upn": entry.upn,
        "department": department_of(directory, entry.upn),
        "tier": "suspected",
        "first_access": iso(entry.first),
        "last_access": iso(entry.last),
        "records": entry.records,
        "why": entry.why,
        "evidence": [chain.as_dict() for chain in entry.chains[:5]],
    }


def verdict(confirmed: int, suspected: int) -> dict[str, Any]:
    """The one-line answer, counting confirmed mailboxes only (and saying so)."""
    if confirmed:
        headline = f"intrusion found: {confirmed} mailbox(es) read by the actor (confirmed)"
    elif suspected:
        headline = f"no confirmed intrusion; {suspected} mailbox(es) suspected on weak links only"
    else:
        headline = "no intrusion found"
    return {
        "intrusion_found": confirmed > 0,
        "headline": headline,
        "basis": "confirmed",
        "suspected_mailboxes": suspected,
    }


def write_document(case_dir: Path, document: dict[str, Any]) -> Path:
    """Validate and write ``case_dir/scope.json`` (sorted keys, two-space indent)."""
    validate_document(document)
    path = case_dir / SCOPE_FILE
    path.write_bytes(
        orjson.dumps(document, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2) + b"\n"
    )
    return path
