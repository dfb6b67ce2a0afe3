"""Exchange administrators at work in Exchange Online PowerShell: FullAccess grants for
assistants and shared-mailbox members, internal forwarding while someone is on leave,
inbox rules set up for users, calendar permissions and retention settings.

Each looks like a BEC staple (permission grant, forwarding, a rule in someone else's
mailbox) but is done by an administrator, inside the tenant, to internal addresses, from a
session signed in to the PowerShell module's app; the cmdlet records carry that app as
AppId and ``ip:port`` as ClientIP (det-eng-samples, Add-MailboxPermission and
Set-Mailbox records).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from mailscope.simulate import records
from mailscope.simulate.ids import IdSource
from mailscope.simulate.networks import VPN_EXITS
from mailscope.simulate.org import Person
from mailscope.simulate.places import WASHINGTON
from mailscope.simulate.reads import moment
from mailscope.simulate.signins import App
from mailscope.simulate.world import Session, World, open_session

EXO_POWERSHELL = App(
    records.EXO_POWERSHELL,
    "Microsoft Exchange REST API Based Powershell",
    records.EXCHANGE,
    "Office 365 Exchange Online",
    "Mobile Apps and Desktop clients",
)
POWERSHELL_UA = (
    "Mozilla/5.0 (Windows NT 10.0; Microsoft Windows 10.0.19045; en-US) PowerShell/7.3.4"
)
HOSTED = "NAMPR09A004.PROD.OUTLOOK.COM/Microsoft Exchange Hosted Organizations"
Cmdlet = tuple[str, str, list[tuple[str, str]]]  # (operation, ObjectId, parameters)


def admin_sessions(world: World, rng: random.Random, ids: IdSource) -> None:
    """PowerShell sessions on some working days of every administrator."""
    for admin in (p for p in world.org.people if p.admin):
        targets: set[str] = set()
        for day in world.days():
            if day.weekday() >= 5 or rng.random() > 0.4:
                continue
            session = _powershell(world, rng, ids, admin, day)
            for _ in range(rng.randrange(1, 4)):
                operation, object_id, parameters = _cmdlet(world, rng)
                targets.add(parameters[0][1].split(":")[0])
                when = moment(rng, session)
                world.evidence.add(
                    when,
                    records.admin_cmdlet(
                        ids,
                        when,
                        operation=operation,
                        user=admin.upn,
                        ip=session.ip,
                        port=rng.randrange(20000, 65000),
                        object_id=object_id,
                        parameters=parameters,
                        token=session.token_at(when),
                        admin=True,
                        app_id=records.EXO_POWERSHELL,
                    ),
                )
        world.evidence.distractor(
            "admin-powershell",
            "an Exchange administrator grants mailbox permissions, sets internal forwarding "
            "and creates inbox rules for users in Exchange Online PowerShell",
            upn=admin.upn,
            app_id=records.EXO_POWERSHELL,
            targets=sorted(targets),
        )


def _powershell(
    world: World, rng: random.Random, ids: IdSource, admin: Person, day: datetime
) -> Session:
    """Connect-ExchangeOnline from the office, from home, or through Cloudflare WARP."""
    where = rng.random()
    if where < 0.6:
        ip, place = admin.office_ip, WASHINGTON
    elif where < 0.85:
        ip, place = admin.home_ip, WASHINGTON
    else:
        ip, place = VPN_EXITS[2]
    start = day + timedelta(hours=14, seconds=rng.randrange(0, 6 * 3600))
    return open_session(
        world,
        rng,
        ids,
        person=admin,
        app=EXO_POWERSHELL,
        ip=ip,
        place=place,
        client_info="",
        user_agent=POWERSHELL_UA,
        start=start,
        end=start + timedelta(minutes=50),
    )


def _cmdlet(world: World, rng: random.Random) -> Cmdlet:
    """One administrative change, mostly granting what the organisation's delegations need."""
    org = world.org
    staff = org.people
    kind = rng.random()
    if kind < 0.35:
        box, reader = _delegation(world, rng)
        return (
            "Add-MailboxPermission",
            box.object_id,
            [
                ("Identity", box.upn),
                ("AccessRights", "FullAccess"),
                ("User", reader.upn),
                ("InheritanceType", "All"),
            ],
        )
    person, deputy = rng.choice(staff), rng.choice(staff)
    if kind < 0.55:
        return (
            "Set-Mailbox",
            person.object_id,
            [
                ("Identity", person.upn),
                ("ForwardingAddress", deputy.upn),
                ("DeliverToMailboxAndForward", "True"),
            ],
        )
    if kind < 0.75:
        return (
            "New-InboxRule",
            f"{HOSTED}/{records.organization_name()}/{person.object_id}\\Copy to deputy",
            [
                ("Mailbox", person.upn),
                ("Name", "Copy to deputy"),
                ("ForwardTo", deputy.upn),
                ("StopProcessingRules", "False"),
            ],
        )
    if kind < 0.9:
        return (
            "Add-MailboxFolderPermission",
            f"{HOSTED}/{records.organization_name()}/{person.object_id}",
            [
                ("Identity", f"{person.upn}:\\Calendar"),
                ("User", deputy.upn),
                ("AccessRights", "Editor"),
            ],
        )
    return (
        "Set-Mailbox",
        person.object_id,
        [("Identity", person.upn), ("RetentionPolicy", "Ministry 7 Year")],
    )


def _delegation(world: World, rng: random.Random) -> tuple[Person, Person]:
    """An executive and assistant, or a shared mailbox and one of its members."""
    org = world.org
    pairs = [(org.by_upn[p.assistant_of], p) for p in org.people if p.assistant_of]
    pairs += [
        (org.by_upn[box], org.by_upn[r]) for box, readers in org.members.items() for r in readers
    ]
    if not pairs:
        return rng.choice(org.people), rng.choice(org.people)
    return rng.choice(pairs)
