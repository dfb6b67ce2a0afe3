"""Read a simulated tenant back from its files, independently of the generator's memory."""

from __future__ import annotations

import csv
import functools
import json
import re
from dataclasses import dataclass
from datetime import datetime
from email import message_from_bytes
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

SSN = re.compile(r"\b(\d{3})-(\d{2})-(\d{4})\b")
MARKINGS = ("CONFIDENTIAL", "SECRET//NOFORN", "SENSITIVE BUT UNCLASSIFIED", "SBU", "CUI")


@dataclass(frozen=True)
class Eml:
    """One exported message as a reader sees it."""

    mailbox: str
    folder: str
    message_id: str
    date: datetime
    body: str


@functools.cache
def audit_records(root: Path) -> dict[str, dict[str, Any]]:
    """All UAL AuditData objects from both exports, de-duplicated on ``Id``."""
    found: dict[str, dict[str, Any]] = {}
    with (root / "ual/purview-audit-search.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            found[row["RecordId"]] = json.loads(row["AuditData"])
    for line in (root / "ual/management-api.jsonl").read_text(encoding="utf-8").splitlines():
        data = json.loads(line)
        found[data["Id"]] = data
    return found


@functools.cache
def signins(root: Path) -> list[dict[str, Any]]:
    """Every sign-in from the three Graph exports."""
    interactive = json.loads((root / "entra/signins-interactive.json").read_bytes())["value"]
    noninteractive = json.loads((root / "entra/signins-noninteractive.json").read_bytes())
    sp = json.loads((root / "entra/signins-serviceprincipal.json").read_text("utf-8-sig"))
    return [*interactive, *noninteractive, *sp]


@functools.cache
def emls(root: Path) -> dict[str, Eml]:
    """Messages by Message-ID from the .eml tree."""
    out: dict[str, Eml] = {}
    base = root / "mailboxes"
    for path in sorted(base.rglob("*.eml")):
        msg = message_from_bytes(path.read_bytes())
        mailbox, *folder = path.relative_to(base).parent.parts
        date = parsedate_to_datetime(msg["Date"]).replace(tzinfo=None)
        body = msg.get_payload(decode=True)
        assert isinstance(body, bytes)
        out[msg["Message-ID"]] = Eml(
            mailbox, "/".join(folder), msg["Message-ID"], date, body.decode()
        )
    return out


def valid_ssns(text: str) -> set[str]:
    """SSNs in ``text`` that pass SSA validity rules."""
    found = set()
    for area, group, serial in SSN.findall(text):
        if area in ("000", "666") or area.startswith("9") or group == "00" or serial == "0000":
            continue
        found.add(f"{area}-{group}-{serial}")
    return found


def marked(text: str) -> bool:
    """A handling marking as the banner line of the body."""
    return text.splitlines()[0].strip() in MARKINGS if text else False


def itinerary(text: str) -> bool:
    """An itinerary block (flight segments with IATA codes)."""
    return (
        "ITINERARY" in text
        and re.search(r"\b[A-Z0-9]{2} \d{1,4}\s+[A-Z]{3} -> [A-Z]{3}", text) is not None
    )


def when(text: str) -> datetime:
    """Parse an audit ``CreationTime``."""
    return datetime.fromisoformat(text)
