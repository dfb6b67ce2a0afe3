"""Services that read many mailboxes for good reasons: a backup vendor (Graph, app-only),
an EWS full_access_as_app CASB, an archive migration through EWS impersonation, Dynamics 365
server-side sync, Power Automate flows, and a managed identity that reads no mail at all.

App-only records carry UserType 5 (Application, Management Activity API "User Type") and
the owner's logon, as the real app-read sample in management-api-sekoia.jsonl does; their
tokens come from service-principal sign-ins (no user session). EWS impersonation is logged
with the Admin logon type.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.independent.mgmt_api import audit, directory
from tests.independent.mgmt_api import reference as ref
from tests.independent.mgmt_api.admins import AdminConsole
from tests.independent.mgmt_api.benign_users import UNREAD_FOLDERS
from tests.independent.mgmt_api.model import TENANT_DOMAIN, Message, Person, Token, World
from tests.independent.mgmt_api.networks import Networks
from tests.independent.mgmt_api.people import staff
from tests.independent.mgmt_api.signins import App, Client, ClientSession, mi_signin, sp_signin


def app_read(
    world: World,
    when: datetime,
    owner: Person,
    token: Token | None,
    ip: str,
    resource: str,
    client_app_id: str,
    cis: str,
    folders: list[tuple[str, list[Message]]],
) -> str:
    """An app-only Bind of ``folders`` in ``owner``'s mailbox; returns the record id."""
    record = audit.mail_items_accessed(
        world,
        when,
        owner,
        user_id=owner.upn,
        user_key=client_app_id,
        logon_type=0,
        logon_sid=owner.sid,
        app_id=resource,
        client_app_id=client_app_id,
        ip=ip,
        cis=cis,
        access="Bind",
        folders=folders,
        token=token,
        user_type=5,
        app_only=True,
    )
    world.records.append(record)
    return str(record["Id"])


def _arrived(
    world: World, owner: Person, since: datetime, until: datetime, inbox_only: bool = False
) -> list[tuple[str, list[Message]]]:
    grouped: dict[str, list[Message]] = {}
    for folder, message in world.mailboxes[owner.upn].messages():
        if inbox_only and (folder in UNREAD_FOLDERS or not folder.startswith("Inbox")):
            continue
        if since < message.date <= until:
            grouped.setdefault(folder, []).append(message)
    return sorted(grouped.items())


def _chunks(
    folders: list[tuple[str, list[Message]]], size: int
) -> list[list[tuple[str, list[Message]]]]:
    out: list[list[tuple[str, list[Message]]]] = []
    for folder, messages in folders:
        for i in range(0, len(messages), size):
            out.append([(folder, messages[i : i + size])])
    return out


class AppOnlyReader:
    """An app that holds one app-only token at a time and refreshes it before it expires."""

    def __init__(self, world: World, app: App, ips: list[str], resource: str) -> None:
        self.world, self.app, self.ips, self.resource = world, app, ips, resource
        self.token: Token | None = None
        self.ip = ips[0]
        self.key_id = app.key_id

    def at(self, when: datetime) -> Token:
        if self.token is None or when >= self.token.expires - timedelta(minutes=5):
            self.ip = self.world.rng.choice(self.ips)
            self.token = sp_signin(
                self.world,
                self.app,
                when - timedelta(seconds=4),
                self.ip,
                self.resource,
                self.key_id,
            )
        return self.token


def backup(world: World, nets: Networks) -> None:
    """A multi-tenant backup vendor pulls each mailbox's new items nightly through Graph."""
    rng = world.rng
    app = App(
        world.guid(),
        "Arcvault Cloud Backup",
        world.guid(),
        world.guid(),
        world.guid(),
        "clientAssertion",
    )
    reader = AppOnlyReader(world, app, nets.ips("backup_vendor", 4), ref.GRAPH)
    owners = sorted(
        (p for p in world.people if world.mailboxes[p.upn].folders), key=lambda p: p.upn
    )
    for index in range(world.days):
        when = world.start + timedelta(days=index, hours=2, minutes=rng.randrange(0, 50))
        for owner in owners:
            since = when - timedelta(days=1, hours=2)
            for chunk in _chunks(_arrived(world, owner, since, when), 25):
                when += timedelta(seconds=rng.randrange(15, 80))
                app_read(
                    world,
                    when,
                    owner,
                    reader.at(when),
                    reader.ip,
                    ref.GRAPH,
                    app.app_id,
                    ref.CIS_GRAPH,
                    chunk,
                )
    world.lookalikes.append(
        {
            "kind": "backup-vendor-graph",
            "upns": [p.upn for p in owners],
            "ips": reader.ips,
            "app_ids": [app.app_id],
            "note": "A backup vendor's multi-tenant app reads every mailbox's new items each "
            "night (02:00-05:00 UTC) with app-only Graph tokens from service-principal "
            "sign-ins at the vendor's cloud addresses.",
        }
    )


def casb(world: World, nets: Networks, admin: Person, admin_ip: str) -> None:
    """An EWS full_access_as_app CASB scans policy mailboxes; IT rotates its secret."""
    rng = world.rng
    reg = directory.Registration(
        "Sentinel Shield CASB",
        world.guid(),
        world.guid(),
        world.guid(),
        ref.EXCHANGE,
        ref.FULL_ACCESS_AS_APP_ROLE,
        "full_access_as_app",
        False,
    )
    app = App(reg.app_id, reg.name, reg.sp_id, "", world.guid())
    reader = AppOnlyReader(world, app, nets.ips("casb_vendor", 2), ref.EXCHANGE)
    scope = [
        p
        for p in world.people
        if p.shared
        or p.department in ("Legal Affairs", "Finance", "Human Resources", "Consular Services")
    ]
    rotate = world.start + timedelta(days=world.days // 2, hours=15)
    last = world.start - timedelta(hours=8)
    for index in range(world.days):
        for hour in (6, 13, 19):
            when = world.start + timedelta(days=index, hours=hour, minutes=rng.randrange(0, 20))
            if last < rotate <= when:
                new_key = world.guid()
                directory.add_secret(
                    world, rotate, admin, admin_ip, reg, new_key, "casb-2023-rotation", ref.UA_EDGE
                )
                reader.key_id, reader.token = new_key, None
            for owner in scope:
                for chunk in _chunks(_arrived(world, owner, last, when, inbox_only=True), 20):
                    when += timedelta(seconds=rng.randrange(5, 30))
                    app_read(
                        world,
                        when,
                        owner,
                        reader.at(when),
                        reader.ip,
                        ref.EXCHANGE,
                        app.app_id,
                        ref.CIS_EWS,
                        chunk,
                    )
            last = when
    world.lookalikes.append(
        {
            "kind": "casb-ews-full-access-as-app",
            "upns": sorted(p.upn for p in scope),
            "ips": reader.ips,
            "app_ids": [app.app_id],
            "note": "A CASB registered in the tenant with full_access_as_app scans new mail in "
            "Legal, Finance, HR, Consular and shared mailboxes three times a day over "
            "EWS; mid-period an admin adds a new client secret and it keeps reading.",
        }
    )


def migration(world: World, nets: Networks, console: AdminConsole) -> None:
    """Archive migration: a service account with ApplicationImpersonation reads old mail."""
    rng = world.rng
    service = world.person(f"svc-archivemig@{TENANT_DOMAIN}")
    day0 = max(1, world.days // 4)
    console.cmdlet(
        world.start + timedelta(days=day0, hours=15),
        "New-ManagementRoleAssignment",
        "ArchiveMigration-Impersonation",
        [
            ("Name", "ArchiveMigration-Impersonation"),
            ("Role", "ApplicationImpersonation"),
            ("User", service.upn),
        ],
    )
    tool = Client(
        world.guid(),
        "QuillMigrate Archive",
        ref.EXCHANGE,
        "Mobile Apps and Desktop clients",
        "QuillMigrate/5.2 (EWS)",
        "",
        "",
        False,
        "Client=WebServices;QuillMigrate/5.2;",
    )
    ips = nets.ips("migration_vendor", 2)
    session = ClientSession(world, service, tool, world.guid(), "")
    targets = [
        p
        for p in staff(world)
        if any(f.startswith("Archive") for f in world.mailboxes[p.upn].folders)
        and (p.department == "Legal Affairs" or "executive" in p.traits)
    ]
    nights = range(day0 + 1, min(world.days, day0 + 5))
    for n, index in enumerate(nights):
        when = world.start + timedelta(days=index, hours=1, minutes=rng.randrange(0, 40))
        for owner in targets[n :: len(nights)] if nights else []:
            archive = [
                (f, ms)
                for f, ms in sorted(world.mailboxes[owner.upn].folders.items())
                if f.startswith("Archive")
            ]
            for chunk in _chunks(archive, 20):
                when += timedelta(seconds=rng.randrange(40, 140))
                ip = rng.choice(ips)
                token = session.token_at(when, ip)
                world.records.append(
                    audit.mail_items_accessed(
                        world,
                        when,
                        owner,
                        user_id=service.upn,
                        user_key=service.puid,
                        logon_type=1,
                        logon_sid=service.sid,
                        app_id=ref.EXCHANGE,
                        client_app_id=tool.app_id,
                        ip=ip,
                        cis=tool.cis,
                        access="Bind",
                        folders=chunk,
                        token=token,
                    )
                )
    world.lookalikes.append(
        {
            "kind": "migration-ews-impersonation",
            "upns": sorted(p.upn for p in targets),
            "ips": ips,
            "app_ids": [tool.app_id],
            "note": "An archive-migration tool signs in as a service account given "
            "ApplicationImpersonation and reads Archive folders of Legal staff and "
            "directors over EWS at night (LogonType 1, vendor cloud addresses).",
        }
    )


def crm_sync(world: World, nets: Networks) -> None:
    """Dynamics 365 server-side sync polls trade staff's inboxes; first-party service-to-service
    calls carry no AppAccessContext and have no sign-in in the tenant's logs."""
    rng = world.rng
    ips = nets.ips("microsoft_dynamics", 3)
    users = [p for p in staff(world) if "crm" in p.traits]
    for owner in users:
        for folder, message in world.mailboxes[owner.upn].messages():
            if folder != "Inbox" or not world.start <= message.date < world.end:
                continue
            when = message.date + timedelta(minutes=rng.randrange(1, 16))
            world.records.append(
                audit.mail_items_accessed(
                    world,
                    when,
                    owner,
                    user_id=owner.upn,
                    user_key=owner.puid,
                    logon_type=0,
                    logon_sid=owner.sid,
                    app_id=ref.EXCHANGE,
                    client_app_id=ref.DYNAMICS_CRM,
                    ip=rng.choice(ips),
                    cis="Client=WebServices;Microsoft.Crm.ServerSideSync;",
                    access="Bind",
                    folders=[(folder, [message])],
                    token=None,
                )
            )
    world.lookalikes.append(
        {
            "kind": "crm-server-side-sync",
            "upns": sorted(p.upn for p in users),
            "ips": ips,
            "app_ids": [ref.DYNAMICS_CRM],
            "note": "Dynamics 365 server-side synchronization reads each new Inbox item of trade "
            "staff within minutes, around the clock, from Microsoft datacenter "
            "addresses, with no AppAccessContext and no sign-in.",
        }
    )


def power_automate(world: World, nets: Networks) -> None:
    """Flows on the Office 365 Outlook connector fetch each new message via Graph."""
    rng = world.rng
    ips = nets.ips("power_platform", 3)
    flow = Client(
        ref.FLOW_SERVICE,
        "Microsoft Flow Service",
        ref.GRAPH,
        "Mobile Apps and Desktop clients",
        "azure-logic-apps/1.0",
        "",
        "",
        False,
        ref.CIS_GRAPH,
    )
    users = [p for p in staff(world) if "flow" in p.traits]
    for owner in users:
        session = ClientSession(world, owner, flow, world.guid(), "")
        session.signed_in = True  # the connection was created before the period
        for folder, message in world.mailboxes[owner.upn].messages():
            if folder != "Inbox" or not world.start <= message.date < world.end:
                continue
            when = message.date + timedelta(minutes=rng.randrange(1, 4))
            ip = rng.choice(ips)
            token = session.token_at(when, ip)
            world.records.append(
                audit.mail_items_accessed(
                    world,
                    when,
                    owner,
                    user_id=owner.upn,
                    user_key=owner.puid,
                    logon_type=0,
                    logon_sid=owner.sid,
                    app_id=ref.GRAPH,
                    client_app_id=ref.FLOW_SERVICE,
                    ip=ip,
                    cis=ref.CIS_GRAPH,
                    access="Bind",
                    folders=[(folder, [message])],
                    token=token,
                )
            )
    world.lookalikes.append(
        {
            "kind": "power-automate-flow",
            "upns": sorted(p.upn for p in users),
            "ips": ips,
            "app_ids": [ref.FLOW_SERVICE],
            "note": "Consular officers' flows ('save visa forms to SharePoint') fetch every new "
            "Inbox message within minutes, day and night, with delegated tokens the "
            "Flow service refreshes from Azure addresses.",
        }
    )


def managed_identity(world: World, nets: Networks) -> None:
    ip = nets.ip("azure_functions")
    del ip  # managed-identity sign-ins carry no client address
    path = (
        "/subscriptions/2b97dfaf-c5a5-4546-82c2-a3afdc570ed5/resourcegroups/it-prod/"
        "providers/Microsoft.Web/sites/mailflow-reports-fn"
    )
    app_id, sp_id = world.guid(), world.guid()
    for index in range(world.days):
        for hour in (0, 6, 12, 18):
            when = world.start + timedelta(days=index, hours=hour, minutes=world.rng.randrange(60))
            mi_signin(world, "mailflow-reports-fn", app_id, sp_id, path, when)
