"""Business e-mail compromise: a phished password used from a new country, then forwarding
and delete inbox rules, mail read and sent. Unlike a forged token, every actor token here
was issued by a real (interactive) sign-in (MITRE ATT&CK T1114.003, T1564.008)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from mailscope.simulate import records
from mailscope.simulate.activity import BROWSER_UA, WEB
from mailscope.simulate.evidence import SignInRecord, Token
from mailscope.simulate.ids import IdSource
from mailscope.simulate.networks import VPN_EXITS
from mailscope.simulate.org import Organisation, Person
from mailscope.simulate.places import Place
from mailscope.simulate.reads import read_mail
from mailscope.simulate.scenarios.common import weekday_mornings
from mailscope.simulate.signins import user_signin
from mailscope.simulate.world import World, open_session

LAGOS = Place("Lagos", "Lagos", "NG", 37148, 6.5244, 3.3792)
ACTOR_IP = "102.89.45.17"
FORWARD_TO = "accounts.desk@mailbox-forward.example"


def pick_victims(org: Organisation, rng: random.Random) -> list[Person]:
    """One staff member of the Western Hemisphere bureau."""
    pool = [
        p
        for p in org.in_department("Bureau of Western Hemisphere Affairs")
        if not p.executive and not p.assistant_of
    ]
    return [rng.choice(pool or [p for p in org.people if not p.executive and not p.shared])]


def generate(world: World, victims: list[Person], variant: str) -> None:
    """Password spray, successful sign-in, rules, reads and sends over two days."""
    del variant  # one shape only
    rng = world.config.rng("bec")
    ids = IdSource(world.config.rng("bec-ids"))
    victim = victims[0]
    day = weekday_mornings(world)[3]
    ip, place = ACTOR_IP, LAGOS
    if world.config.actor is not None:  # in a campaign: the intruder's own exit address
        ip = world.config.actor.ips[0]
        place = dict(VPN_EXITS).get(ip, LAGOS)
        day = weekday_mornings(world)[world.config.actor.first_night]
    tenant = world.org.tenant_id
    for attempt in range(3):
        when = day + timedelta(hours=9, minutes=attempt * 2)
        world.evidence.signins.append(
            SignInRecord(
                "interactive",
                when,
                user_signin(
                    ids,
                    when,
                    kind="interactive",
                    person=victim,
                    app=WEB,
                    ip=ip,
                    place=place,
                    session_id=ids.guid(),
                    token_id=ids.token_id(),
                    user_agent=BROWSER_UA,
                    tenant_id=tenant,
                    error_code=50126,
                ),
            )
        )
    for offset in (0, 1):
        start = day + timedelta(days=offset, hours=9, minutes=10)
        session = open_session(
            world,
            rng,
            ids,
            person=victim,
            app=WEB,
            ip=ip,
            place=place,
            client_info="Client=OWA;Action=ViewInbox;",
            user_agent=BROWSER_UA,
            start=start,
            end=start + timedelta(hours=2),
        )
        for token in session.tokens:
            world.evidence.actor.note(
                ip=ip,
                session_id=session.session_id,
                token_id=token.token_id,
                app_id=WEB.app_id,
                user_agent=BROWSER_UA,
            )
        if offset == 0:
            _rules(world, rng, ids, session.token_at(start), victim, start, ip)
        before = len(world.evidence.audit)
        for minute in range(5, 110, 4):
            read_mail(
                world,
                rng,
                ids,
                session,
                owner=victim,
                when=start + timedelta(minutes=minute, seconds=rng.randrange(60)),
            )
        for index in range(rng.randrange(4, 8)):
            when = start + timedelta(minutes=30 + index * 7)
            world.evidence.add(
                when,
                records.mailbox_item_op(
                    ids,
                    when,
                    operation="Send",
                    person=victim,
                    ip=ip,
                    client_info=session.client_info,
                    app_id=session.app.app_id,
                    token=session.token_at(when),
                    folder="Sent Items",
                    item=(ids.message_id("BN0PR09MB4410"), 24000),
                    subject="Updated invoice - action required",
                ),
            )
        for record in world.evidence.audit[before:]:
            record.actor = True


def _rules(
    world: World,
    rng: random.Random,
    ids: IdSource,
    token: Token,
    victim: Person,
    start: datetime,
    ip: str,
) -> None:
    """A forwarding rule and a rule that deletes warnings about the compromise."""
    rules = [
        (
            "New-InboxRule",
            [
                ("Name", "."),
                ("ForwardTo", FORWARD_TO),
                ("MarkAsRead", "True"),
                ("StopProcessingRules", "False"),
            ],
        ),
        (
            "New-InboxRule",
            [
                ("Name", ".."),
                ("SubjectOrBodyContainsWords", "hacked;phish;password"),
                ("DeleteMessage", "True"),
                ("StopProcessingRules", "True"),
            ],
        ),
        (
            "Set-Mailbox",
            [
                ("Identity", victim.upn),
                ("ForwardingSmtpAddress", f"smtp:{FORWARD_TO}"),
                ("DeliverToMailboxAndForward", "True"),
            ],
        ),
    ]
    for index, (operation, parameters) in enumerate(rules):
        when = start + timedelta(minutes=3 + index)
        world.evidence.add(
            when,
            records.admin_cmdlet(
                ids,
                when,
                operation=operation,
                user=victim.upn,
                ip=ip,
                port=rng.randrange(20000, 60000),
                object_id=f"{victim.upn}\\{parameters[0][1]}",
                parameters=parameters,
                token=token,
                admin=False,
            ),
            actor=True,
        )
