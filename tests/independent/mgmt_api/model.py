"""The tenant being built: people, mailboxes, tokens and the evidence records, plus id helpers."""

from __future__ import annotations

import base64
import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

Record = dict[str, Any]

TENANT_ID = "5b7e2d4a-91c3-4f0e-8a6d-3c2f9e1b7d40"
TENANT_DOMAIN = "foreignaffairs.example"
TENANT_NAME = "foreignaffairs.onmicrosoft.com"


@dataclass
class Person:
    """A directory user or shared mailbox, with the ids Exchange and Entra stamp on records."""

    upn: str
    display: str
    given: str
    surname: str
    department: str
    title: str
    city: str
    object_id: str
    puid: str
    sid: str
    mailbox_guid: str
    server: str
    shared: bool = False
    traits: set[str] = field(default_factory=set)
    home_ip: str = ""
    mobile_ip: str = ""


@dataclass
class Message:
    """One mail item; the same Message-ID may sit in the sender's and recipients' mailboxes."""

    message_id: str
    date: datetime
    sender: str
    sender_name: str
    to: list[str]
    cc: list[str]
    subject: str
    body: str
    size: int
    topic: str
    tz_hours: int = 0


@dataclass
class Mailbox:
    """A mailbox's folder tree: folder path ("Inbox/Travel") to its messages."""

    owner: Person
    folders: dict[str, list[Message]] = field(default_factory=dict)
    folder_ids: dict[str, str] = field(default_factory=dict)

    def add(self, folder: str, message: Message) -> None:
        self.folders.setdefault(folder, []).append(message)

    def messages(self) -> list[tuple[str, Message]]:
        return [(f, m) for f, ms in self.folders.items() for m in ms]


@dataclass(frozen=True)
class Token:
    """An access token as Entra issued it: what an audit record's AppAccessContext points at."""

    uti: str
    issued: datetime
    session_id: str
    client_app_id: str
    resource: str
    expires: datetime


@dataclass(frozen=True)
class Place:
    """Where a client is on a day: IP and the sign-in location fields."""

    ip: str
    city: str
    asn: int


@dataclass
class World:
    """Everything generated so far; evidence writers read it, the truth is computed from it."""

    rng: random.Random
    start: datetime
    days: int
    people: list[Person] = field(default_factory=list)
    mailboxes: dict[str, Mailbox] = field(default_factory=dict)
    records: list[Record] = field(default_factory=list)
    signins: dict[str, list[Record]] = field(default_factory=dict)
    directory_audits: list[Record] = field(default_factory=list)
    actor_record_ids: set[str] = field(default_factory=set)
    lookalikes: list[dict[str, Any]] = field(default_factory=list)
    geo: dict[str, Place] = field(default_factory=dict)
    _index: dict[str, Person] = field(default_factory=dict, repr=False)

    @property
    def end(self) -> datetime:
        return self.start + timedelta(days=self.days)

    def person(self, upn: str) -> Person:
        if len(self._index) != len(self.people):
            self._index = {p.upn: p for p in self.people}
        return self._index[upn]

    def guid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def hex(self, n: int) -> str:
        return "".join(self.rng.choice("0123456789ABCDEF") for _ in range(n))


def uti_for(request_id: str) -> str:
    """A sign-in's uniqueTokenIdentifier: its request id's GUID bytes, base64url, unpadded.

    Matches the real service-principal sample (id 0c532507-… ↔ ByVTDAGxkECy8U12ji81AA) and
    MSIdentityTools' ConvertFrom-MsIdUniqueTokenIdentifier.
    """
    raw = uuid.UUID(request_id).bytes_le
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def ual_time(when: datetime) -> str:
    """CreationTime as the Management Activity API writes it: UTC, seconds, no zone."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def graph_time(when: datetime) -> str:
    """createdDateTime as Graph writes it: UTC with a Z."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_z(when: datetime) -> str:
    return graph_time(when)
