"""Phones: Outlook for iOS and Android, which reads the mailbox from Microsoft's cloud, and
Apple's native Mail app on Exchange ActiveSync.

Outlook mobile's mailbox access runs in Microsoft's cloud service, not on the phone (it
moved from AWS to Microsoft's cloud in 2016 and to Microsoft's sync protocol in 2018:
Petri, "Outlook Mobile Gets a New Architecture"), so its MailItemsAccessed records carry
service addresses (``Client=OutlookService;Outlook-iOS/2.0;``, AppId and ClientAppId
27922004-…, as in the Management API sample's Outlook-iOS record) at every hour of the
day, while the phone's own sign-ins come from a carrier or home network. Apple Mail
connects directly (``Client=ActiveSync``, app "iOS Accounts").
"""

from __future__ import annotations

import dataclasses
import random
from datetime import datetime, timedelta

from mailscope.simulate import records
from mailscope.simulate.ids import IdSource
from mailscope.simulate.networks import (
    OUTLOOK_SERVICE_AZURE_IPS,
    OUTLOOK_SERVICE_IPS,
    carrier_ip,
)
from mailscope.simulate.org import Person
from mailscope.simulate.places import WASHINGTON, Place
from mailscope.simulate.reads import sync_folders
from mailscope.simulate.signins import App
from mailscope.simulate.world import Session, World, open_session, refresh_token

EXO = ("00000002-0000-0ff1-ce00-000000000000", "Office 365 Exchange Online")
OUTLOOK_MOBILE = App(
    records.OUTLOOK_MOBILE, "Outlook Mobile", *EXO, "Mobile Apps and Desktop clients"
)
APPLE_MAIL = App(records.APPLE_ACCOUNTS, "iOS Accounts", *EXO, "Exchange ActiveSync")
MICROSOFT_CLOUD = Place("Boydton", "Virginia", "US", 8075, 36.6676, -78.3875)
TOKEN_AGE = timedelta(minutes=60)


def phones(world: World, rng: random.Random, ids: IdSource) -> None:
    """Every phone user's mail across the period, and one distractor per app."""
    users: dict[str, list[str]] = {"outlook": [], "apple-mail": []}
    for index, person in enumerate(world.org.people):
        if person.phone_app is None:
            continue
        users[person.phone_app].append(person.upn)
        ip, carrier = carrier_ip(index)
        android = person.phone_app == "outlook" and rng.random() < 0.4
        session = _phone_session(world, rng, ids, person, ip, carrier, android)
        for day in world.days():
            for when in _bursts(rng, day):
                if when <= session.tokens[0].issued:
                    continue
                at_home = when.hour >= 22 or when.hour < 4
                here = person.home_ip if at_home and rng.random() < 0.5 else ip
                if person.phone_app == "outlook":
                    _outlook_burst(world, rng, ids, session, when, here, carrier)
                else:
                    _activesync_burst(world, rng, ids, session, when, here, carrier)
    if users["outlook"]:
        world.evidence.distractor(
            "outlook-mobile-service",
            "Outlook mobile reads mailboxes from Microsoft's cloud at all hours; the phone "
            "signs in from its carrier or home network, the reads carry service addresses",
            app_id=records.OUTLOOK_MOBILE,
            ips=[*OUTLOOK_SERVICE_IPS, *OUTLOOK_SERVICE_AZURE_IPS],
            users=users["outlook"],
        )
    if users["apple-mail"]:
        world.evidence.distractor(
            "activesync-phone",
            "Apple Mail on Exchange ActiveSync reads and syncs the Inbox from the phone's "
            "carrier network, at all hours",
            app_id=records.APPLE_ACCOUNTS,
            users=users["apple-mail"],
        )


def _phone_session(
    world: World,
    rng: random.Random,
    ids: IdSource,
    person: Person,
    ip: str,
    carrier: Place,
    android: bool,
) -> Session:
    """The phone's sign-in on the first morning; later tokens come from refreshes."""
    start = world.start + timedelta(hours=11, seconds=rng.randrange(0, 3600))
    if person.phone_app == "outlook":
        agent = "Outlook-Android/2.0" if android else "Outlook-iOS/2.0"
        info = f"Client=OutlookService;{agent};"
        app, device = OUTLOOK_MOBILE, "Android" if android else "Ios"
    else:
        agent = "Apple-iPhone15C2/2006.180"
        info = f"Client=ActiveSync;UserAgent={agent};"
        app, device = APPLE_MAIL, "Ios"
    return open_session(
        world,
        rng,
        ids,
        person=person,
        app=app,
        ip=ip,
        place=carrier,
        client_info=info,
        user_agent=agent,
        start=start,
        end=start + timedelta(minutes=1),
        device=device,
    )


def _bursts(rng: random.Random, day: datetime) -> list[datetime]:
    """When the phone (or the service on its behalf) looks at mail on ``day``: a few times
    while awake (11:00-04:00 UTC) and now and then a background sync at night."""
    count = rng.randrange(1, 6) if day.weekday() < 5 else rng.randrange(0, 4)
    moments = [day + timedelta(seconds=rng.randrange(11 * 3600, 28 * 3600)) for _ in range(count)]
    if rng.random() < 0.35:
        moments.append(day + timedelta(seconds=rng.randrange(4 * 3600, 11 * 3600)))
    return sorted(moments)


def _current_token(
    world: World, ids: IdSource, session: Session, when: datetime, ip: str, place: Place
) -> None:
    """Refresh the phone's token when the last one is an hour old."""
    if when - session.tokens[-1].issued >= TOKEN_AGE:
        refresh_token(world, ids, session, when - timedelta(seconds=20), ip=ip, place=place)


def _outlook_burst(
    world: World,
    rng: random.Random,
    ids: IdSource,
    session: Session,
    when: datetime,
    ip: str,
    carrier: Place,
) -> None:
    awake = when.hour >= 11 or when.hour < 4
    # While the user is awake the phone refreshes; at night the service does it itself.
    pool = OUTLOOK_SERVICE_IPS if rng.random() < 0.85 else OUTLOOK_SERVICE_AZURE_IPS
    service = rng.choice(pool)
    if awake:
        place = WASHINGTON if ip == session.person.home_ip else carrier
        _current_token(world, ids, session, when, ip, place)
    else:
        _current_token(world, ids, session, when, service, MICROSOFT_CLOUD)
    for offset in range(rng.randrange(1, 3)):
        at = when + timedelta(seconds=40 * offset)
        _bind(world, rng, ids, session, at, service, resource=None)


def _activesync_burst(
    world: World,
    rng: random.Random,
    ids: IdSource,
    session: Session,
    when: datetime,
    ip: str,
    carrier: Place,
) -> None:
    place = WASHINGTON if ip == session.person.home_ip else carrier
    _current_token(world, ids, session, when, ip, place)
    if rng.random() < 0.15:
        inbox = world.folders(session.person.upn)["inbox"]
        here = dataclasses.replace(session, ip=ip, place=place)  # shares the token list
        sync_folders(world, ids, here, when=when, folders=[inbox])
        return
    _bind(world, rng, ids, session, when, ip, resource=records.EXCHANGE)


def _bind(
    world: World,
    rng: random.Random,
    ids: IdSource,
    session: Session,
    when: datetime,
    ip: str,
    *,
    resource: str | None,
) -> None:
    person = session.person
    folders = world.pick_items(rng, ids, person.upn, when, rng.randrange(1, 4))
    if not folders:
        return
    world.evidence.add(
        when,
        records.mail_items_accessed(
            ids,
            when,
            user=person.upn,
            owner=person,
            access="Bind",
            folders=folders,
            ip=ip,
            client_info=session.client_info,
            app_id=session.app.app_id,
            logon_type=0,
            token=session.token_at(when),
            resource=resource,
        ),
    )
