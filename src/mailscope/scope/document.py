"""The ``mailscope.scope/1`` document: built, validated against the shipped JSON Schema,
written deterministically (sorted keys and lists, UTC times with ``Z``)."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import orjson

from mailscope.scope.exposed import ExposedMessage
from mailscope.scope.exposure import BASES, MailboxExposure
from mailscope.scope.org import Person, department_of, department_share

SCHEMA_ID = "mailscope.scope/1"
SCOPE_FILE = "scope.json"


@dataclass(frozen=True, slots=True)
class ActorSummary:
    """The actor's identifiers as published in scope.json."""

    ips: list[str]
    session_ids: list[str]
    app_ids: list[str]
    user_agents: list[str]


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
) -> dict[str, Any]:
    """The scope document from the exposure, the scanned messages and the actor."""
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
            }
        )
    return {
        "schema": SCHEMA_ID,
        "compromised_mailboxes": mailboxes,
        "actor": {
            "ips": sorted(actor.ips),
            "session_ids": sorted(actor.session_ids),
            "app_ids": sorted(actor.app_ids),
            "user_agents": sorted(actor.user_agents),
        },
        "totals": {
            "mailboxes": len(mailboxes),
            "exposed_messages": sum(len(b.exposed) for b in boxes),
            "us_ssn": len(all_ssns),
            "itinerary_messages": sum(m["sensitive"]["itinerary_messages"] for m in mailboxes),
            "marked_messages": sum(m["sensitive"]["marked_messages"] for m in mailboxes),
            "department_share": department_share(dict(departments)),
        },
    }


def write_document(case_dir: Path, document: dict[str, Any]) -> Path:
    """Validate and write ``case_dir/scope.json`` (sorted keys, two-space indent)."""
    validate_document(document)
    path = case_dir / SCOPE_FILE
    path.write_bytes(
        orjson.dumps(document, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2) + b"\n"
    )
    return path
