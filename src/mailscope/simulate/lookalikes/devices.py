"""Owners' own devices doing unusual things: re-imaged laptops syncing every folder from a
new Outlook build, and a heavy user whose bulk reads get the mailbox throttled."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from mailscope.simulate.activity import DESKTOP, DESKTOP_UA, NEW_BUILD
from mailscope.simulate.ids import IdSource
from mailscope.simulate.mail import FOLDER_SHARE
from mailscope.simulate.org import Person
from mailscope.simulate.places import WASHINGTON, Place
from mailscope.simulate.reads import read_mail, sync_folders
from mailscope.simulate.world import Session, World, open_session

# Exchange throttles MailItemsAccessed after more than 1,000 records for a mailbox in 24 h
# (Purview docs, "Use MailItemsAccessed to investigate compromised accounts").
THROTTLE_THRESHOLD = 1000


def weekday_from(day: datetime) -> datetime:
    """``day`` itself, or the Monday after it when it falls on a weekend."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def new_outlook_session(
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


def new_laptop(world: World, rng: random.Random, ids: IdSource, person: Person) -> None:
    """A re-imaged laptop: a fresh session on a new Outlook build syncs every folder."""
    day = weekday_from(world.start + timedelta(days=rng.randrange(2, world.config.days - 1)))
    start = day + timedelta(hours=15, seconds=rng.randrange(0, 3600))
    session = new_outlook_session(
        world, rng, ids, person, ip=person.office_ip, place=WASHINGTON, start=start, hours=3
    )
    names = world.folders(person.upn)
    sync_folders(
        world,
        ids,
        session,
        when=start + timedelta(minutes=2),
        folders=[names[role] for role, _ in FOLDER_SHARE],
    )
    world.evidence.distractor(
        "new-laptop-sync",
        "full folder Sync from a new Outlook client, backed by the owner's sign-in",
        upn=person.upn,
    )


def heavy_user(world: World, rng: random.Random, ids: IdSource, person: Person) -> None:
    """A bulk-export add-in opening over 1,000 items in a day: throttled, but every record
    comes from a session the owner signed in to."""
    start = weekday_from(world.start + timedelta(days=3)) + timedelta(hours=12, minutes=30)
    session = new_outlook_session(
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
    world.evidence.distractor(
        "throttled-heavy-user",
        "owner's own bulk reads exceeded 1,000 records in 24 h (IsThrottled), all from "
        "sessions the owner signed in to",
        upn=person.upn,
    )
