"""The intrusions: a Storm-0558-class actor with forged tokens, and an OAuth-app actor.

Forged tokens (CISA AA23-193A; Microsoft Threat Intelligence, "Analysis of Storm-0558
techniques for unauthorized email access", 2023) skip Entra entirely: their token and
session ids appear in no sign-in log. The actor worked Monday-Friday 00:00-09:00 UTC from
VPS and proxy addresses with a scripted REST client. The OAuth-app actor instead holds real
tokens: it takes over an admin, registers an app with Mail.Read and a secret, and reads
mail app-only from its own addresses (the Golden SAML / Midnight Blizzard pattern).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tests.independent.mgmt_api import audit, directory
from tests.independent.mgmt_api import reference as ref
from tests.independent.mgmt_api.model import Message, Person, Token, World
from tests.independent.mgmt_api.networks import ACTOR_POOLS, Networks
from tests.independent.mgmt_api.people import staff
from tests.independent.mgmt_api.services import AppOnlyReader, app_read
from tests.independent.mgmt_api.signins import CLIENTS, App, ClientSession, user_signin

SCENARIOS = ("forged-bind", "forged-sync", "first-party-reuse", "mixed", "oauth-app", "none")
INTERESTING = {"policy": 4, "travel": 3, "hr": 2, "consular": 2, "meeting": 1}


@dataclass
class Actor:
    """What the actor used; truth keeps what the evidence shows of it."""

    ips: list[str]
    session_ids: set[str] = field(default_factory=set)
    token_ids: set[str] = field(default_factory=set)
    app_ids: set[str] = field(default_factory=set)
    accounts: set[str] = field(default_factory=set)
    signin_ips: set[str] = field(default_factory=set)
    victims: list[Person] = field(default_factory=list)


def stage(world: World, nets: Networks, scenario: str) -> Actor | None:
    """Stage ``scenario``'s intrusion into ``world``; None for ``none``."""
    if scenario == "none":
        return None
    if scenario not in SCENARIOS:
        raise ValueError(f"unknown scenario {scenario!r}; expected one of {SCENARIOS}")
    rng = world.rng
    pools = rng.sample(ACTOR_POOLS, 3)
    actor = Actor(ips=[nets.ip(pool) for pool in pools] + [nets.ip(rng.choice(pools))])
    actor.victims = _victims(world)
    days = _campaign_days(world)
    if scenario == "oauth-app":
        _oauth_app(world, actor, days)
    else:
        _forged(world, actor, days, scenario)
    return actor


def _victims(world: World) -> list[Person]:
    rng = world.rng
    usable = [
        p
        for p in staff(world)
        if "heavy" not in p.traits and len(world.mailboxes[p.upn].messages()) >= 15
    ]
    primary = [p for p in usable if p.department == "Office of Indo-Pacific Affairs"]
    second_dept = rng.choice((*ref.SECOND_DEPARTMENTS, "Embassy Tokyo"))
    second = [p for p in usable if p.department == second_dept]
    count = rng.randrange(5, 16)
    extra = rng.randrange(0, 4) if second and rng.random() < 0.7 else 0
    chosen = rng.sample(primary, min(len(primary), count - extra))
    chosen += rng.sample(second, min(len(second), extra))
    return sorted(chosen, key=lambda p: p.upn)


def _campaign_days(world: World) -> list[int]:
    rng = world.rng
    first = rng.randrange(2, 6)
    last = world.days - rng.randrange(1, 4)
    return [
        i
        for i in range(first, max(first + 1, last))
        if (world.start + timedelta(days=i)).weekday() < 5
    ]


def _forged_token(world: World, when: datetime, client_app_id: str) -> Token:
    raw = world.rng.getrandbits(128).to_bytes(16, "little")
    uti = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    issued = when - timedelta(minutes=world.rng.randrange(1, 30))
    return Token(
        uti, issued, world.guid(), client_app_id, ref.EXCHANGE, issued + timedelta(hours=1)
    )


def _pick(world: World, victim: Person, before: datetime, k: int) -> list[tuple[str, Message]]:
    items = [
        (f, m)
        for f, m in world.mailboxes[victim.upn].messages()
        if m.date < before and f != "Deleted Items"
    ]
    if not items:
        return []
    weights = [INTERESTING.get(m.topic, 1) for _, m in items]
    picked = {m.message_id: (f, m) for f, m in world.rng.choices(items, weights, k=k)}
    return list(picked.values())


def _schedule(world: World, actor: Actor, days: list[int]) -> list[tuple[datetime, Person, str]]:
    """(start, victim, ip) visits: every victim at least once, 2-5 per working night."""
    rng = world.rng
    visits: list[tuple[datetime, Person, str]] = []
    queue = list(actor.victims)
    rng.shuffle(queue)
    for index in days:
        night = world.start + timedelta(days=index)
        ip = rng.choice(actor.ips)
        for _ in range(rng.randrange(2, 6)):
            victim = queue.pop() if queue else rng.choice(actor.victims)
            when = night + timedelta(seconds=rng.randrange(300, 8 * 3600))
            visits.append((when, victim, ip))
    return sorted(visits, key=lambda v: (v[0], v[1].upn))


def _forged(world: World, actor: Actor, days: list[int], scenario: str) -> None:
    rng = world.rng
    unusual = world.guid()
    modes: dict[str, str] = {}
    for victim in actor.victims:
        if scenario == "forged-sync":
            modes[victim.upn] = "sync"
        elif scenario == "mixed":
            modes[victim.upn] = rng.choice(("bind", "sync", "both"))
        else:
            modes[victim.upn] = "bind"
    visits = _schedule(world, actor, days)
    tokens: dict[tuple[str, str], Token] = {}
    for when, victim, ip in visits:
        if scenario == "first-party-reuse":
            client, cis = (
                (ref.OWA, ref.CIS_OWA)
                if rng.random() < 0.7
                else (ref.OUTLOOK_DESKTOP, ref.CIS_DESKTOP)
            )
        else:
            client, cis = unusual, ref.CIS_ACTOR
        key = (when.date().isoformat(), client)
        if key not in tokens:
            tokens[key] = _forged_token(world, when.replace(hour=0, minute=1), client)
        token = tokens[key]
        mode = modes[victim.upn]
        if mode in ("sync", "both"):
            _sync_visit(world, actor, victim, when, ip, client, cis, token)
        if mode in ("bind", "both"):
            _bind_visit(world, actor, victim, when + timedelta(minutes=3), ip, client, cis, token)
    if scenario == "mixed":
        _throttle_run(world, actor, visits, unusual)


def _record(world: World, actor: Actor, record: dict[str, object]) -> None:
    world.records.append(record)
    world.actor_record_ids.add(str(record["Id"]))
    actor.app_ids.add(str(record["ClientAppId"]))


def _bind_visit(
    world: World,
    actor: Actor,
    victim: Person,
    when: datetime,
    ip: str,
    client: str,
    cis: str,
    token: Token,
) -> None:
    rng = world.rng
    chosen = _pick(world, victim, when, rng.randrange(6, 36))
    while chosen:
        size = rng.randrange(1, 9)
        batch, chosen = chosen[:size], chosen[size:]
        grouped: dict[str, list[Message]] = {}
        for folder, message in batch:
            grouped.setdefault(folder, []).append(message)
        _record(
            world,
            actor,
            audit.mail_items_accessed(
                world,
                when,
                victim,
                user_id=victim.upn,
                user_key=victim.puid,
                logon_type=0,
                logon_sid=victim.sid,
                app_id=ref.EXCHANGE,
                client_app_id=client,
                ip=ip,
                cis=cis,
                access="Bind",
                folders=sorted(grouped.items()),
                token=token,
            ),
        )
        when += timedelta(minutes=2, seconds=rng.randrange(0, 50))


def _sync_visit(
    world: World,
    actor: Actor,
    victim: Person,
    when: datetime,
    ip: str,
    client: str,
    cis: str,
    token: Token,
) -> None:
    rng = world.rng
    folders = sorted(world.mailboxes[victim.upn].folders)
    others = [f for f in folders if f not in ("Inbox", "Deleted Items")]
    chosen = ["Inbox", *rng.sample(others, min(len(others), rng.randrange(1, 4)))]
    for i, folder in enumerate(chosen):
        _record(
            world,
            actor,
            audit.mail_items_accessed(
                world,
                when + timedelta(seconds=25 * i),
                victim,
                user_id=victim.upn,
                user_key=victim.puid,
                logon_type=0,
                logon_sid=victim.sid,
                app_id=ref.EXCHANGE,
                client_app_id=client,
                ip=ip,
                cis=cis,
                access="Sync",
                folders=[(folder, [])],
                token=token,
            ),
        )


def _throttle_run(
    world: World, actor: Actor, visits: list[tuple[datetime, Person, str]], client: str
) -> None:
    """One victim read so hard in one night (>1,000 records) that Exchange throttles it."""
    rng = world.rng
    by_victim: dict[str, list[datetime]] = {}
    for when, victim, _ in visits:
        by_victim.setdefault(victim.upn, []).append(when)
    candidates = sorted(
        (len(world.mailboxes[upn].messages()), upn)
        for upn in by_victim
        if by_victim[upn][0] < visits[-1][0]
    )
    upn = candidates[-1][1]
    victim = world.person(upn)
    first = min(by_victim[upn])
    night = (first + timedelta(days=1)).replace(hour=0, minute=10, second=0)
    while night.weekday() >= 5:
        night += timedelta(days=1)
    if night >= world.end - timedelta(hours=10):
        night = first + timedelta(hours=1)
    ips = rng.sample(actor.ips, 2)
    when = night
    for _ in range(rng.randrange(1100, 1250)):
        token = _forged_token(world, when, client)
        picked = _pick(world, victim, when, rng.randrange(1, 3))
        grouped: dict[str, list[Message]] = {}
        for folder, message in picked:
            grouped.setdefault(folder, []).append(message)
        _record(
            world,
            actor,
            audit.mail_items_accessed(
                world,
                when,
                victim,
                user_id=victim.upn,
                user_key=victim.puid,
                logon_type=0,
                logon_sid=victim.sid,
                app_id=ref.EXCHANGE,
                client_app_id=client,
                ip=rng.choice(ips),
                cis=ref.CIS_ACTOR,
                access="Bind",
                folders=sorted(grouped.items()),
                token=token,
            ),
        )
        when += timedelta(seconds=rng.randrange(12, 30))


def _oauth_app(world: World, actor: Actor, days: list[int]) -> None:
    rng = world.rng
    admin = [p for p in staff(world) if "admin" in p.traits][-1]
    actor.accounts.add(admin.upn)
    start = world.start + timedelta(
        days=days[0], hours=rng.randrange(0, 3), minutes=rng.randrange(60)
    )
    ip = actor.ips[0]
    portal = ClientSession(world, admin, CLIENTS["portal"], world.guid(), "")
    for minutes in (14, 9):
        user_signin(
            world,
            admin,
            portal.client,
            start - timedelta(minutes=minutes),
            ip,
            session_id=portal.session_id,
            device_id="",
            interactive=True,
            error=50126,
        )
    token = portal.token_at(start, ip, interactive=True)
    actor.session_ids.add(portal.session_id)
    actor.token_ids.add(token.uti)
    actor.signin_ips.add(ip)
    reg = directory.Registration(
        "Document Sync Service",
        world.guid(),
        world.guid(),
        world.guid(),
        ref.GRAPH,
        ref.MAIL_READ_ROLE,
        "Mail.Read",
        True,
    )
    directory.register_app(world, start + timedelta(minutes=4), admin, ip, reg, ref.UA_EDGE)
    key = world.guid()
    directory.add_secret(
        world, start + timedelta(minutes=9), admin, ip, reg, key, "sync", ref.UA_EDGE
    )
    actor.app_ids.add(reg.app_id)
    app = App(reg.app_id, reg.name, reg.sp_id, "", key)
    reader = AppOnlyReader(world, app, actor.ips, ref.GRAPH)
    for when, victim, _ in _schedule(world, actor, days):
        when = max(when, start + timedelta(hours=1))
        chosen = _pick(world, victim, when, rng.randrange(6, 36))
        for i in range(0, len(chosen), 6):
            grouped: dict[str, list[Message]] = {}
            for folder, message in chosen[i : i + 6]:
                grouped.setdefault(folder, []).append(message)
            token = reader.at(when)
            actor.token_ids.add(token.uti)
            actor.signin_ips.add(reader.ip)
            record_id = app_read(
                world,
                when,
                victim,
                token,
                reader.ip,
                ref.GRAPH,
                reg.app_id,
                ref.CIS_GRAPH,
                sorted(grouped.items()),
            )
            world.actor_record_ids.add(record_id)
            when += timedelta(minutes=2, seconds=rng.randrange(0, 40))
