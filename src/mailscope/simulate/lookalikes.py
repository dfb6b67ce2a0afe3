"""Benign activity that resembles an intrusion, present in every scenario: an archiving
app reading every mailbox, travellers abroad, new laptops syncing whole folders, a heavy
user who gets throttled. Detections must stay quiet on all of it."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from mailscope.simulate import records
from mailscope.simulate.activity import DESKTOP, DESKTOP_UA, NEW_BUILD, read_mail, sync_folders
from mailscope.simulate.evidence import SignInRecord, Token
from mailscope.simulate.ids import IdSource
from mailscope.simulate.mail import FOLDER_SHARE
from mailscope.simulate.org import EAP, EUR, Organisation, Person
from mailscope.simulate.signins import ABROAD, WASHINGTON, Place, service_principal_signin
from mailscope.simulate.world import Session, World, open_session

ARCHIVER_NAME = "Ministry Records Archiver"
ARCHIVER_IPS = ("20.51.6.11", "20.51.6.12")  # the vendor's Azure-hosted service
# Exchange throttles MailItemsAccessed after more than 1,000 records for a mailbox in 24 h
# (Purview docs, "Use MailItemsAccessed to investigate compromised accounts").
THROTTLE_THRESHOLD = 1000


@dataclass(frozen=True)
class Cast:
    """Who plays which benign look-alike (chosen from the organisation alone, so the
    background is identical whatever scenario is hidden in it)."""

    heavy_user: str
    new_laptops: tuple[str, ...]
    travellers: tuple[tuple[str, int, Place], ...]  # (upn, first day index, where)
    archiver_id: str
    archiver_sp: str


def choose_cast(org: Organisation, rng: random.Random, days: int) -> Cast:
    """Pick the look-alike actors: heavy user and new laptops outside the regional bureaus
    (so they never coincide with intrusion victims), travellers inside them."""
    ids = IdSource(rng)
    consular = [
        p
        for p in org.people
        if p.department == "Bureau of Consular Affairs" and not p.executive and not p.assistant_of
    ]
    support = [
        p for p in org.people if p.department in ("Human Resources", "Office of the Legal Adviser")
    ]
    regional = [p for p in org.people if p.department in (EAP, EUR) and not p.executive]
    travellers = tuple(
        (p.upn, rng.randrange(1, max(2, days - 5)), rng.choice(ABROAD))
        for p in rng.sample(regional, 3)
    )
    return Cast(
        heavy_user=rng.choice(consular).upn,
        new_laptops=tuple(p.upn for p in rng.sample(support, 2)),
        travellers=travellers,
        archiver_id=ids.guid(),
        archiver_sp=ids.guid(),
    )


def generate_lookalikes(world: World, cast: Cast) -> None:
    """Emit every look-alike and list it in the truth's ``distractors``."""
    rng = world.config.rng("lookalikes")
    ids = IdSource(world.config.rng("lookalike-ids"))
    _archiver(world, rng, ids, cast)
    for upn in cast.new_laptops:
        _new_laptop(world, rng, ids, world.org.by_upn[upn])
    _heavy_user(world, rng, ids, world.org.by_upn[cast.heavy_user])
    for upn, first, place in cast.travellers:
        _trip(world, rng, ids, world.org.by_upn[upn], first, place)


def _archiver(world: World, rng: random.Random, ids: IdSource, cast: Cast) -> None:
    """Nightly app-only journaling of every mailbox through Graph, each night's reads
    backed by a service-principal sign-in that issued the token."""
    tenant = world.org.tenant_id
    for day in world.days():
        when = day + timedelta(hours=2, seconds=rng.randrange(0, 1800))
        ip = rng.choice(ARCHIVER_IPS)
        token = Token(None, ids.token_id(), when, cast.archiver_id)
        world.evidence.signins.append(
            SignInRecord(
                "service_principal",
                when,
                service_principal_signin(
                    ids,
                    when,
                    app_id=cast.archiver_id,
                    app_name=ARCHIVER_NAME,
                    sp_id=cast.archiver_sp,
                    ip=ip,
                    place=WASHINGTON,
                    token_id=token.token_id,
                    session_id=ids.guid(),
                    resource_id=records.GRAPH,
                    resource_name="Microsoft Graph",
                    tenant_id=tenant,
                    owner_tenant=tenant,
                ),
            )
        )
        at = when
        for person in world.org.people:
            at += timedelta(seconds=rng.randrange(1, 4))
            folders = world.pick_items(rng, ids, person.upn, at, rng.randrange(1, 4))
            if not folders:
                continue
            world.evidence.add(
                at,
                records.mail_items_accessed(
                    ids,
                    at,
                    user=person.upn,
                    owner=person,
                    access="Bind",
                    folders=folders,
                    ip=ip,
                    client_info="Client=REST;Client=RESTSystem;;",
                    app_id=cast.archiver_id,
                    logon_type=0,
                    token=token,
                ),
            )
    world.evidence.distractors.append(
        {
            "kind": "archiving-app",
            "app_id": cast.archiver_id,
            "reason": "admin-consented journaling app reads every mailbox nightly with app-only "
            "tokens issued by service-principal sign-ins",
        }
    )


def _weekday_from(day: datetime) -> datetime:
    """``day`` itself, or the Monday after it when it falls on a weekend."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _new_outlook_session(
    world: World,
    rng: random.Random,
    ids: IdSource,
    person: Person,
    *,
    ip: str,
    place: Place,
    start: datetime,
    hours: int,
) -> Session:
    """A desktop Outlook session on the new build, open from ``start`` for ``hours``."""
    return open_session(
        world,
        rng,
        ids,
        person=person,
        app=DESKTOP,
        ip=ip,
        place=place,
        client_info=f"Client=Microsoft Outlook {NEW_BUILD};",
        user_agent=DESKTOP_UA.format(build=NEW_BUILD.split(".", 2)[2]),
        start=start,
        end=start + timedelta(hours=hours),
    )


def _new_laptop(world: World, rng: random.Random, ids: IdSource, person: Person) -> None:
    """A re-imaged laptop: a fresh session on a new Outlook build syncs every folder."""
    day = _weekday_from(world.start + timedelta(days=rng.randrange(2, world.config.days - 1)))
    start = day + timedelta(hours=15, seconds=rng.randrange(0, 3600))
    session = _new_outlook_session(
        world, rng, ids, person, ip=person.office_ip, place=WASHINGTON, start=start, hours=3
    )
    sync_folders(
        world, ids, session, when=start + timedelta(minutes=2), folders=[f for f, _ in FOLDER_SHARE]
    )
    world.evidence.distractors.append(
        {
            "kind": "new-laptop-sync",
            "upn": person.upn,
            "reason": "full folder Sync from a new Outlook client, backed by the owner's sign-in",
        }
    )


def _heavy_user(world: World, rng: random.Random, ids: IdSource, person: Person) -> None:
    """A bulk-export add-in opening over 1,000 items in a day: throttled, but every record
    carries token ids that appear in the owner's sign-ins."""
    start = _weekday_from(world.start + timedelta(days=3)) + timedelta(hours=12, minutes=30)
    session = _new_outlook_session(
        world, rng, ids, person, ip=person.office_ip, place=WASHINGTON, start=start, hours=10
    )
    when = start + timedelta(minutes=1)
    for _ in range(THROTTLE_THRESHOLD + 25):
        when += timedelta(seconds=rng.randrange(25, 33))
        read_mail(world, rng, ids, session, owner=person, when=when, count=2)
    world.evidence.throttle_windows.append((person.upn, when + timedelta(seconds=30)))
    for offset in (30, 400, 1900):
        read_mail(
            world,
            rng,
            ids,
            session,
            owner=person,
            when=when + timedelta(seconds=offset),
            count=1,
            throttled=True,
        )
    world.evidence.distractors.append(
        {
            "kind": "throttled-heavy-user",
            "upn": person.upn,
            "reason": "owner's own bulk reads exceeded 1,000 records in 24 h (IsThrottled), all "
            "backed by the owner's sign-ins",
        }
    )


def _trip(
    world: World, rng: random.Random, ids: IdSource, person: Person, first: int, place: Place
) -> None:
    """Four days working from a post abroad (local office hours, hotel network)."""
    hotel_ip = f"192.0.2.{220 + ABROAD.index(place)}"
    for offset in range(4):
        day = world.start + timedelta(days=first + offset)
        # Local 09:00 in Asia is 00:00 UTC, inside the window Storm-0558 worked in.
        hour = 0 if place.country in ("JP", "KR", "PH") else 7
        start = day + timedelta(hours=hour, seconds=rng.randrange(0, 3600))
        session = _new_outlook_session(
            world, rng, ids, person, ip=hotel_ip, place=place, start=start, hours=6
        )
        for _ in range(rng.randrange(3, 7)):
            at = start + timedelta(seconds=rng.randrange(120, 6 * 3600))
            read_mail(world, rng, ids, session, owner=person, when=at)
    world.evidence.distractors.append(
        {
            "kind": "traveller",
            "upn": person.upn,
            "reason": f"working from {place.city} ({place.country}) with interactive sign-ins "
            "from the hotel network behind every read",
        }
    )


def travel_days(cast: Cast) -> dict[str, tuple[int, int]]:
    """Day-index ranges (inclusive start, exclusive end) each traveller is abroad."""
    return {upn: (first, first + 4) for upn, first, _ in cast.travellers}
