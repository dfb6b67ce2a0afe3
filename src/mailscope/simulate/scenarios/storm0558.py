"""Storm-0558 (2023): mail read with forged tokens signed by a stolen MSA key.

No sign-in ever issued the actor's tokens, so their ``UniqueTokenId`` / ``AADSessionId``
appear in no sign-in log; reads came from scripted REST clients through SoftEther proxies
and VPS, Mon-Fri 00:00-09:00 UTC, against a cluster of mailboxes in one regional bureau
plus one European-affairs mailbox (CISA AA23-193A; MSTI 2023-07-14; CSRB 2024).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from mailscope.simulate import records
from mailscope.simulate.evidence import Token
from mailscope.simulate.ids import IdSource
from mailscope.simulate.lookalikes import THROTTLE_THRESHOLD
from mailscope.simulate.org import EAP, EUR, Organisation, Person
from mailscope.simulate.scenarios.common import (
    actor_read,
    actor_sync,
    choose_items,
    later,
    weekday_mornings,
)
from mailscope.simulate.world import World

# SoftEther proxy IPs Microsoft published with first/last-seen dates spanning
# 2023-05-15..2023-06-29 (MSTI 2023-07-14, ../shared/intel/storm-0558-indicators.csv),
# plus VPS-looking addresses not in any feed, so detection cannot rest on IOCs alone.
PROXY_IPS = (
    "185.195.200.39",
    "185.38.142.229",
    "146.70.121.44",
    "131.153.78.188",
    "51.89.156.153",
    "137.74.181.100",
    "193.36.119.45",
    "185.158.248.159",
)
FRESH_VPS_IPS = ("45.77.141.52", "139.180.201.17", "5.255.103.76", "154.53.44.18")
REST_CLIENT = "Client=REST;Client=RESTSystem;;"
OWA_CLIENT = "Client=OWA;Action=ViewInbox;"


def pick_victims(org: Organisation, rng: random.Random) -> list[Person]:
    """Mostly East Asian and Pacific Affairs staff (their bureau head among them) and one
    European Affairs officer."""
    eap = [p for p in org.in_department(EAP) if not p.assistant_of]
    count = min(max(3, min(9, len(org.people) // 40)), len(eap))
    chosen = [eap[0], *rng.sample(eap[1:], count - 1)]
    eur = [p for p in org.in_department(EUR) if not p.executive and not p.assistant_of]
    return sorted([*chosen, rng.choice(eur)], key=lambda p: p.upn)


def techniques(victims: list[Person], variant: str) -> list[str]:
    """Which technique the actor uses on each victim for a variant."""
    if variant in ("bind", "sync", "first-party-app"):
        return [variant] * len(victims)
    if variant == "throttled":
        return ["throttled"] + ["bind"] * (len(victims) - 1)
    plan = ["throttled", "sync", "first-party-app", "sync", "first-party-app"]
    return [plan[i] if i < len(plan) else "bind" for i in range(len(victims))]


def generate(world: World, victims: list[Person], variant: str) -> None:
    """Emit the actor's reads of every victim's mailbox."""
    rng = world.config.rng("storm-0558")
    ids = IdSource(world.config.rng("storm-0558-ids"))
    plan = world.config.actor
    nights = weekday_mornings(world)[1:]
    actor_app = ids.guid()
    addresses: tuple[str, ...] = PROXY_IPS + FRESH_VPS_IPS
    throttle_from: tuple[str, ...] = PROXY_IPS
    if plan is not None:  # one organisation of a campaign: the actor's kit and calendar
        end = plan.first_night + plan.nights if plan.nights else None
        nights = weekday_mornings(world)[plan.first_night : end]
        actor_app = plan.app_id or actor_app
        addresses = throttle_from = plan.ips
    for person, technique in zip(victims, techniques(victims, variant), strict=True):
        chosen_nights = sorted(rng.sample(nights, min(len(nights), rng.randrange(2, 4))))
        if technique == "throttled":
            _throttled(world, rng, ids, person, chosen_nights[0], actor_app, throttle_from)
            continue
        for night in chosen_nights:
            start = later(night, rng, 600, 4 * 3600)
            token = _forged_token(
                ids, start, actor_app if technique != "first-party-app" else records.OWA
            )
            ip = rng.choice(addresses)
            if technique == "sync":
                _sync_night(world, rng, ids, person, start, ip, token, actor_app)
            else:
                app = records.OWA if technique == "first-party-app" else actor_app
                info = OWA_CLIENT if technique == "first-party-app" else REST_CLIENT
                _bind_night(world, rng, ids, person, start, ip, token, app, info)


def _forged_token(ids: IdSource, start: datetime, app_id: str) -> Token:
    """A token no sign-in issued: fresh session and token ids, issued just before use."""
    return Token(ids.guid(), ids.token_id(), start - timedelta(minutes=3), app_id)


def _bind_night(
    world: World,
    rng: random.Random,
    ids: IdSource,
    victim: Person,
    start: datetime,
    ip: str,
    token: Token,
    app_id: str,
    info: str,
) -> None:
    when = start
    for _ in range(rng.randrange(12, 30)):
        pool = world.received_before(victim.upn, when)
        if pool:
            actor_read(
                world,
                ids,
                when=when,
                owner=victim,
                ip=ip,
                client_info=info,
                app_id=app_id,
                token=token,
                chosen=choose_items(world, rng, victim, pool, rng.randrange(1, 6)),
            )
        when = later(when, rng, 60, 600)


def _sync_night(
    world: World,
    rng: random.Random,
    ids: IdSource,
    victim: Person,
    start: datetime,
    ip: str,
    token: Token,
    app_id: str,
) -> None:
    names = world.folders(victim.upn)
    roles = ["travel", "cables", rng.choice(["inbox", "sent", "hr"])]
    folders = [names[role] for role in roles]
    when = start
    for folder in folders:
        actor_sync(
            world,
            ids,
            when=when,
            owner=victim,
            folder=folder,
            ip=ip,
            client_info=REST_CLIENT,
            app_id=app_id,
            token=token,
        )
        when = later(when, rng, 20, 240)


def _throttled(
    world: World,
    rng: random.Random,
    ids: IdSource,
    victim: Person,
    night: datetime,
    app_id: str,
    addresses: tuple[str, ...],
) -> None:
    """Over 1,000 Bind records in one night: Exchange marks IsThrottled and stops logging
    Bind for 24 h, so everything in the mailbox up to the window's end counts as read."""
    when = night + timedelta(minutes=20)
    token = _forged_token(ids, when, app_id)
    ip = rng.choice(addresses)
    for _ in range(THROTTLE_THRESHOLD + 30):
        pool = world.received_before(victim.upn, when)
        actor_read(
            world,
            ids,
            when=when,
            owner=victim,
            ip=ip,
            client_info=REST_CLIENT,
            app_id=app_id,
            token=token,
            chosen=choose_items(world, rng, victim, pool, rng.randrange(1, 3)),
        )
        when = later(when, rng, 24, 29)
    start = when
    world.evidence.throttle_windows.append((victim.upn, start))
    for offset in (0, 300, 1500):
        at = start + timedelta(seconds=offset)
        actor_read(
            world,
            ids,
            when=at,
            owner=victim,
            ip=ip,
            client_info=REST_CLIENT,
            app_id=app_id,
            token=token,
            throttled=True,
            chosen=choose_items(world, rng, victim, world.received_before(victim.upn, at), 1),
        )
