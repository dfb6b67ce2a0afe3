"""Mail flow: who writes to whom, and where each copy lands in the mailboxes' folder trees.

Internal mail keeps one Message-ID in the sender's Sent Items and every recipient's folder,
as Exchange does; external mail arrives with the sender's own Message-ID format.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime, timedelta

from tests.independent.mgmt_api.content import FOLDER_OF_TOPIC, compose, topic_for
from tests.independent.mgmt_api.model import TENANT_DOMAIN, Message, Person, World
from tests.independent.mgmt_api.people import staff
from tests.independent.mgmt_api.reference import CITIES, EXTERNAL_DOMAINS

HISTORY_DAYS = 30


def local_hours(person: Person) -> int:
    return int(CITIES[person.city][5])


def work_time(world: World, person: Person, day: datetime) -> datetime:
    """A moment in ``person``'s local working day (08:00-18:30) on ``day``, as UTC."""
    local = day + timedelta(hours=8, seconds=world.rng.randrange(0, 630 * 60))
    return (local - timedelta(hours=local_hours(person))).replace(tzinfo=UTC)


def internal_id(world: World, person: Person) -> str:
    server = person.server
    return f"<{server}{world.hex(28)}@{server}.namprd09.prod.outlook.com>"


def external_id(world: World, domain: str) -> str:
    if world.rng.random() < 0.5:
        return f"<{world.guid()}@mail.{domain}>"
    return f"<{world.hex(16).lower()}.{world.rng.randrange(10**5, 10**6)}@{domain}>"


def folder_id(world: World, upn: str, folder: str) -> str:
    """A stable Exchange folder store id ("LgAAAA…AAAB") for one mailbox folder."""
    mailbox = world.mailboxes[upn]
    if folder not in mailbox.folder_ids:
        digest = hashlib.blake2b(f"{upn}|{folder}".encode(), digest_size=30).digest()
        mailbox.folder_ids[folder] = "LgAAAA" + base64.b64encode(digest).decode() + "AAAB"
    return mailbox.folder_ids[folder]


def item_id(upn: str, message_id: str) -> str:
    digest = hashlib.blake2b(f"{upn}|{message_id}".encode(), digest_size=48).digest()
    return "AAMkAD" + base64.b64encode(digest).decode()


def build_mail(world: World) -> None:
    """Generate the tenant's mail from HISTORY_DAYS before the audit window to its end."""
    rng = world.rng
    people = staff(world)
    by_dept: dict[str, list[Person]] = {}
    for person in people:
        by_dept.setdefault(person.department, []).append(person)
    first = world.start - timedelta(days=HISTORY_DAYS)
    for offset in range(HISTORY_DAYS + world.days):
        day = first + timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        for person in people:
            if rng.random() < 0.38:
                _send_internal(world, person, day, by_dept)
            if rng.random() < 0.45:
                _receive_external(world, person, day)
        _shared_mail(world, day)
    _archive_history(world, people)
    for mailbox in world.mailboxes.values():
        for messages in mailbox.folders.values():
            messages.sort(key=lambda m: (m.date, m.message_id))


def _send_internal(
    world: World, person: Person, day: datetime, by_dept: dict[str, list[Person]]
) -> None:
    rng = world.rng
    colleagues = [p for p in by_dept[person.department] if p is not person]
    pool = colleagues if rng.random() < 0.75 or not colleagues else staff(world)
    to = rng.sample(pool, min(len(pool), rng.choice((1, 1, 2, 3))))
    cc = [
        p
        for p in by_dept[person.department]
        if "executive" in p.traits and p is not person and p not in to and rng.random() < 0.35
    ]
    topic = topic_for(rng, person.department)
    when = work_time(world, person, day)
    subject, body = compose(rng, topic, when, person.display)
    external: list[str] = []
    if topic in ("policy", "travel") and rng.random() < 0.2:
        external = [f"desk.officer@{rng.choice(EXTERNAL_DOMAINS[:6])}"]
    message = Message(
        message_id=internal_id(world, person),
        date=when,
        sender=person.upn,
        sender_name=person.display,
        to=[p.upn for p in to] + external,
        cc=[p.upn for p in cc],
        subject=subject,
        body=body,
        size=_size(world, body),
        topic=topic,
        tz_hours=local_hours(person),
    )
    world.mailboxes[person.upn].add("Sent Items", message)
    for recipient in to + cc:
        world.mailboxes[recipient.upn].add(_landing(world, topic), message)


def _receive_external(world: World, person: Person, day: datetime) -> None:
    rng = world.rng
    kind = rng.choices(
        ("newsletter", "policy", "travel", "hr", "meeting"), weights=(4, 2, 2, 1, 2)
    )[0]
    domain = {
        "newsletter": "newswire.example.com",
        "travel": "travel-agency.example.com",
        "hr": "benefits-provider.example.com",
    }.get(kind) or rng.choice(EXTERNAL_DOMAINS)
    when = (day + timedelta(seconds=rng.randrange(0, 86400))).replace(tzinfo=UTC)
    sender = f"{rng.choice(('noreply', 'desk', 'info', 'bookings', 'j.martin'))}@{domain}"
    subject, body = compose(rng, kind, when, sender)
    message = Message(
        message_id=external_id(world, domain),
        date=when,
        sender=sender,
        sender_name=sender,
        to=[person.upn],
        cc=[],
        subject=subject,
        body=body,
        size=_size(world, body),
        topic=kind,
        tz_hours=0,
    )
    world.mailboxes[person.upn].add(_landing(world, kind), message)


def _shared_mail(world: World, day: datetime) -> None:
    rng = world.rng
    for local, topic, per_day in (
        ("consular-inbox", "consular", 4),
        ("hr-cases", "hr", 2),
        ("press-office", "newsletter", 2),
        ("indopac-front-office", "policy", 2),
    ):
        shared = world.person(f"{local}@{TENANT_DOMAIN}")
        for _ in range(rng.randrange(0, per_day + 1)):
            when = (day + timedelta(seconds=rng.randrange(0, 86400))).replace(tzinfo=UTC)
            domain = (
                "citizen-mail.example.net" if topic == "consular" else rng.choice(EXTERNAL_DOMAINS)
            )
            sender = f"{rng.choice(('r.ortiz', 'k.osei', 'l.meyer', 'desk'))}@{domain}"
            subject, body = compose(rng, topic, when, sender)
            message = Message(
                message_id=external_id(world, domain),
                date=when,
                sender=sender,
                sender_name=sender,
                to=[shared.upn],
                cc=[],
                subject=subject,
                body=body,
                size=_size(world, body),
                topic=topic,
            )
            world.mailboxes[shared.upn].add("Inbox", message)


def _archive_history(world: World, people: list[Person]) -> None:
    """Older mail filed under Archive/<year> for executives and some staff (bigger mailboxes)."""
    rng = world.rng
    for person in people:
        if "executive" not in person.traits and rng.random() > 0.25:
            continue
        count = rng.randrange(120, 260) if "executive" in person.traits else rng.randrange(20, 60)
        for _ in range(count):
            when = (
                world.start
                - timedelta(
                    days=rng.randrange(HISTORY_DAYS + 1, 400), minutes=rng.randrange(0, 1440)
                )
            ).replace(tzinfo=UTC)
            topic = topic_for(rng, person.department)
            sender = rng.choice(people)
            subject, body = compose(rng, topic, when, sender.display)
            message = Message(
                message_id=internal_id(world, sender),
                date=when,
                sender=sender.upn,
                sender_name=sender.display,
                to=[person.upn],
                cc=[],
                subject=subject,
                body=body,
                size=_size(world, body),
                topic=topic,
                tz_hours=local_hours(sender),
            )
            world.mailboxes[person.upn].add(f"Archive/{when.year}", message)


def _landing(world: World, topic: str) -> str:
    rng = world.rng
    if rng.random() < 0.06:
        return "Deleted Items"
    if topic in FOLDER_OF_TOPIC and rng.random() < 0.7:
        return FOLDER_OF_TOPIC[topic]
    return "Inbox"


def _size(world: World, body: str) -> int:
    extra = world.rng.choice((0, 0, 0, world.rng.randrange(20_000, 900_000)))
    return 3_200 + 2 * len(body) + world.rng.randrange(0, 4_000) + extra
