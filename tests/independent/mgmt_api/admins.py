"""Administrators at work: Exchange Online PowerShell changes, user inbox rules, eDiscovery
content searches, everyday directory upkeep and an internal app registration.

Cmdlet records follow the det-eng-samples lab (Add-MailboxPermission via Exchange Online
PowerShell, AppId fb78d390-…); eDiscovery operations are those of Purview's "Search for
eDiscovery activities in the audit log" (SearchCreated, SearchStarted, SearchPreviewed,
SearchExported, SearchExportDownloaded), which never produce MailItemsAccessed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.independent.mgmt_api import audit, directory
from tests.independent.mgmt_api import reference as ref
from tests.independent.mgmt_api.benign_users import Activity
from tests.independent.mgmt_api.model import TENANT_DOMAIN, Person, World
from tests.independent.mgmt_api.people import staff
from tests.independent.mgmt_api.signins import CLIENTS, App, ClientSession, sp_signin


class AdminConsole:
    """One admin's Exchange Online PowerShell session from the office."""

    def __init__(self, world: World, activity: Activity, admin: Person) -> None:
        self.world, self.admin = world, admin
        self.ip = activity.corp[0]
        self.session = ClientSession(
            world, admin, CLIENTS["powershell"], world.guid(), world.guid()
        )

    def cmdlet(
        self, when: datetime, operation: str, object_id: str, params: list[tuple[str, str]]
    ) -> None:
        self.session.token_at(when - timedelta(minutes=2), self.ip, interactive=True)
        self.world.records.append(
            audit.cmdlet(
                self.world,
                when,
                self.admin,
                operation,
                object_id,
                params,
                self.ip,
                ref.EXO_POWERSHELL,
            )
        )


def _weekday(world: World, index: int, hour: int) -> datetime:
    day = world.start + timedelta(days=index)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day + timedelta(hours=hour, minutes=world.rng.randrange(0, 59))


def admin_changes(world: World, activity: Activity) -> list[Person]:
    """Mailbox permission, forwarding and rule changes IT makes for users. Returns admins."""
    rng = world.rng
    admins = [p for p in staff(world) if "admin" in p.traits]
    console = AdminConsole(world, activity, admins[0])
    people = staff(world)
    hr = [p for p in people if p.department == "Human Resources"]
    newcomer = rng.choice(hr)
    console.cmdlet(
        _weekday(world, 1, 14),
        "Add-MailboxPermission",
        f"hr-cases@{TENANT_DOMAIN}",
        [
            ("Identity", f"hr-cases@{TENANT_DOMAIN}"),
            ("AccessRights", "FullAccess"),
            ("User", newcomer.upn),
            ("InheritanceType", "All"),
        ],
    )
    leaver, colleague = rng.sample([p for p in people if p.department == "Finance"], 2)
    console.cmdlet(
        _weekday(world, world.days // 3, 15),
        "Set-Mailbox",
        leaver.upn,
        [
            ("Identity", leaver.upn),
            ("ForwardingAddress", colleague.upn),
            ("DeliverToMailboxAndForward", "True"),
        ],
    )
    executives = [p for p in people if "executive" in p.traits]
    chief = rng.choice(executives)
    console.cmdlet(
        _weekday(world, world.days // 2, 16),
        "New-InboxRule",
        f"{chief.upn}\\Cables to folder",
        [
            ("Mailbox", chief.upn),
            ("Name", "Cables to folder"),
            ("SubjectContainsWords", "(SBU)"),
            ("MoveToFolder", "Inbox\\Cables"),
            ("StopProcessingRules", "False"),
        ],
    )
    press = f"press-office@{TENANT_DOMAIN}"
    speaker = rng.choice([p for p in people if p.department == "Public Diplomacy"])
    console.cmdlet(
        _weekday(world, 2 * world.days // 3, 13),
        "Add-RecipientPermission",
        press,
        [
            ("Identity", press),
            ("Trustee", speaker.upn),
            ("AccessRights", "SendAs"),
            ("Confirm", "False"),
        ],
    )
    for person in rng.sample(people, 3):
        plan = next(iter(activity.plans[person.upn].values()), None)
        if plan is None:
            continue
        world.records.append(
            audit.cmdlet(
                world,
                plan.start + timedelta(minutes=30),
                person,
                "New-InboxRule",
                f"{person.upn}\\Newsletters",
                [
                    ("Name", "Newsletters"),
                    ("From", "noreply@newswire.example.com"),
                    ("MoveToFolder", "Newsletters"),
                    ("StopProcessingRules", "True"),
                ],
                plan.ip,
                ref.EXCHANGE,
                admin=False,
            )
        )
    world.lookalikes.append(
        {
            "kind": "admin-powershell-changes",
            "upns": sorted({newcomer.upn, leaver.upn, colleague.upn, chief.upn, speaker.upn}),
            "ips": [console.ip],
            "app_ids": [ref.EXO_POWERSHELL],
            "note": "An Exchange admin grants FullAccess to a shared mailbox, forwards a "
            "leaver's mail to a colleague inside the tenant, sets an inbox rule for a "
            "director and gives SendAs on the press mailbox; users add their own "
            "move-to-folder rules in OWA.",
        }
    )
    return admins


def ediscovery(world: World, activity: Activity) -> None:
    """A compliance admin runs and exports a content search over several mailboxes."""
    rng = world.rng
    officer = next(p for p in staff(world) if "compliance" in p.traits)
    people = staff(world)
    sources = sorted(
        p.upn
        for p in rng.sample(
            [p for p in people if p.department == "Office of Indo-Pacific Affairs"], 3
        )
        + rng.sample([p for p in people if p.department == "Legal Affairs"], 2)
    )
    when = _weekday(world, rng.randrange(2, max(3, world.days - 3)), 14)
    ip = activity.corp[1]
    session = ClientSession(world, officer, CLIENTS["compliance"], world.guid(), "")
    session.token_at(when - timedelta(minutes=4), ip, interactive=True)
    case_id, case = world.guid(), f"FOIA-{when.year}-{rng.randrange(100, 999)}"
    search = f"{case} custodians"
    query = '(subject:"Quad" OR subject:"ASEAN") AND received>=' + (
        when - timedelta(days=60)
    ).strftime("%Y-%m-%d")
    steps = (
        "SearchCreated",
        "SearchStarted",
        "SearchPreviewed",
        "PreviewItemListed",
        "PreviewItemRendered",
        "PreviewItemRendered",
        "SearchExported",
        "SearchExportDownloaded",
    )
    for i, operation in enumerate(steps):
        world.records.append(
            audit.discovery(
                world,
                when + timedelta(minutes=6 * i),
                officer,
                operation,
                case_id,
                case,
                search,
                query,
                sources,
                ip,
            )
        )
    world.lookalikes.append(
        {
            "kind": "ediscovery-content-search",
            "upns": [officer.upn, *sources],
            "ips": [ip],
            "app_ids": [ref.COMPLIANCE_CENTER],
            "note": "A FOIA content search previews and exports mail of Indo-Pacific and Legal "
            "staff; eDiscovery writes Discovery records, never MailItemsAccessed.",
        }
    )


def routine_directory(world: World, activity: Activity, admins: list[Person]) -> None:
    rng = world.rng
    people = staff(world)
    for index in range(world.days):
        if (world.start + timedelta(days=index)).weekday() >= 5:
            continue
        for _ in range(rng.randrange(0, 4)):
            directory.routine_change(
                world,
                _weekday(world, index, 14),
                rng.choice(admins),
                activity.corp[0],
                rng.choice(people),
                ref.UA_EDGE,
            )


def internal_app(world: World, activity: Activity, admin: Person, ip_pool: list[str]) -> None:
    """IT registers a newsletter sender with Mail.Send and a secret; it sends, never reads."""
    rng = world.rng
    reg = directory.Registration(
        "Intranet Newsletter Sender",
        world.guid(),
        world.guid(),
        world.guid(),
        ref.GRAPH,
        ref.MAIL_SEND_ROLE,
        "Mail.Send",
        False,
    )
    when = _weekday(world, rng.randrange(1, max(2, world.days // 2)), 15)
    ip = activity.corp[0]
    ClientSession(world, admin, CLIENTS["portal"], world.guid(), "").token_at(
        when - timedelta(minutes=3), ip, interactive=True
    )
    directory.register_app(world, when, admin, ip, reg, ref.UA_EDGE)
    key = world.guid()
    directory.add_secret(
        world, when + timedelta(minutes=5), admin, ip, reg, key, "newsletter-prod", ref.UA_EDGE
    )
    app = App(reg.app_id, reg.name, reg.sp_id, "", key)
    day = when + timedelta(days=1)
    while day < world.end:
        if day.weekday() < 5:
            sp_signin(
                world,
                app,
                day.replace(hour=13, minute=rng.randrange(0, 30)),
                rng.choice(ip_pool),
                ref.GRAPH,
            )
        day += timedelta(days=1)
    world.lookalikes.append(
        {
            "kind": "new-internal-app-with-secret",
            "upns": [admin.upn],
            "ips": [ip, *ip_pool],
            "app_ids": [reg.app_id],
            "note": "An admin registers an app, adds a client secret and consents Mail.Send; "
            "the app then signs in daily to send newsletters and reads no mail.",
        }
    )
