"""Admin-consented apps that read every mailbox with app-only tokens: a records archiver
on Microsoft Graph (Mail.Read) and a backup service on EWS (full_access_as_app).

App-only (client-credentials) tokens have no user and no Entra session: the token id in
``AppAccessContext.UniqueTokenId`` appears only in service-principal sign-ins, never in
user sign-ins (Entra docs, "linkable identifiers"; DESIGN.md). The records' ``AppId`` is
the resource (Graph, Exchange) and ``ClientAppId`` the app; the reads are logged under
each mailbox owner with ``UserType`` 5 (Application). EWS with an app-only token must
impersonate the mailbox, and Exchange logs impersonated access as LogonType 1, Admin
(Hasslauer, "Mailbox Audit Logging - Admin Logon Type", 2013). Both consents predate the
period, so no grant record is in the audit export.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from mailscope.simulate import records
from mailscope.simulate.evidence import SignInRecord, Token
from mailscope.simulate.ids import IdSource
from mailscope.simulate.lookalikes.cast import Cast
from mailscope.simulate.org import Person
from mailscope.simulate.places import Place
from mailscope.simulate.signins import service_principal_signin
from mailscope.simulate.world import World

ARCHIVER_NAME = "Ministry Records Archiver"
ARCHIVER_IPS = ("20.51.6.11", "20.51.6.12")  # the vendor's Azure-hosted service
AZURE_EAST = Place("Boydton", "Virginia", "US", 8075, 36.6676, -78.3875)
BACKUP_NAME = "Continuity Mail Backup"
BACKUP_IPS = ("3.140.151.27", "18.117.40.9")  # the vendor's AWS us-east-2 workers
AWS_OHIO = Place("Columbus", "Ohio", "US", 16509, 39.9612, -82.9988)
EWS_CLIENT = "Client=WebServices;ExchangeServicesClient/15.00.0913.015;"
REST_SYSTEM = "Client=REST;Client=RESTSystem;;"
TOKEN_LIFETIME = timedelta(minutes=55)  # a job asks for a new token before the hour is up


class _AppJob:
    """One night's run of an app: service-principal sign-ins issuing tokens as it goes."""

    def __init__(
        self,
        world: World,
        ids: IdSource,
        *,
        app: tuple[str, str, str],  # (app id, display name, service principal id)
        resource: tuple[str, str],
        ip: str,
        place: Place,
    ) -> None:
        self.world, self.ids = world, ids
        self.app, self.resource, self.ip, self.place = app, resource, ip, place
        self.token: Token | None = None

    def token_at(self, when: datetime) -> Token:
        """The current token, signing the service principal in again when it is old."""
        if self.token is None or when - self.token.issued > TOKEN_LIFETIME:
            self.token = Token(None, self.ids.token_id(), when, self.app[0])
            tenant = self.world.org.tenant_id
            record = service_principal_signin(
                self.ids,
                when,
                app_id=self.app[0],
                app_name=self.app[1],
                sp_id=self.app[2],
                ip=self.ip,
                place=self.place,
                token_id=self.token.token_id,
                session_id=self.ids.guid(),
                resource_id=self.resource[0],
                resource_name=self.resource[1],
                tenant_id=tenant,
                owner_tenant=tenant,
                credential="clientAssertion",
            )
            self.world.evidence.signins.append(SignInRecord("service_principal", when, record))
        return self.token


def mailboxes(world: World) -> list[Person]:
    """Every mailbox of the tenant, people and shared ones, in directory order."""
    return [*world.org.people, *world.org.shared]


def archiver(world: World, rng: random.Random, ids: IdSource, cast: Cast) -> None:
    """Nightly journaling of every mailbox through Graph (Mail.Read, app-only)."""
    for day in world.days():
        when = day + timedelta(hours=2, seconds=rng.randrange(0, 1800))
        job = _AppJob(
            world,
            ids,
            app=(cast.archiver_id, ARCHIVER_NAME, cast.archiver_sp),
            resource=(records.GRAPH, "Microsoft Graph"),
            ip=rng.choice(ARCHIVER_IPS),
            place=AZURE_EAST,
        )
        for person in mailboxes(world):
            when += timedelta(seconds=rng.randrange(1, 4))
            _app_read(world, rng, ids, job, person, when, REST_SYSTEM, records.GRAPH, 0)
    world.evidence.distractor(
        "archiving-app",
        "admin-consented journaling app reads every mailbox nightly through Graph with "
        "app-only tokens that only service-principal sign-ins issued",
        app_id=cast.archiver_id,
        ips=list(ARCHIVER_IPS),
    )


def ews_backup(world: World, rng: random.Random, ids: IdSource, cast: Cast) -> None:
    """A backup service on EWS (full_access_as_app): a third of the mailboxes each night
    between 04:00 and 07:00 UTC, every mailbox on Saturdays."""
    boxes = mailboxes(world)
    for index, day in enumerate(world.days()):
        when = day + timedelta(hours=4, seconds=rng.randrange(0, 3600))
        job = _AppJob(
            world,
            ids,
            app=(cast.backup_id, BACKUP_NAME, cast.backup_sp),
            resource=(records.EXCHANGE, "Office 365 Exchange Online"),
            ip=rng.choice(BACKUP_IPS),
            place=AWS_OHIO,
        )
        tonight = boxes if day.weekday() == 5 else boxes[index % 3 :: 3]
        for person in tonight:
            when += timedelta(seconds=rng.randrange(2, 9))
            _app_read(world, rng, ids, job, person, when, EWS_CLIENT, records.EXCHANGE, 1)
    world.evidence.distractor(
        "ews-backup-app",
        "backup service with full_access_as_app reads mailboxes over EWS by impersonation "
        "(LogonType 1) at night from its cloud workers, tokens from service-principal sign-ins",
        app_id=cast.backup_id,
        ips=list(BACKUP_IPS),
    )


def _app_read(
    world: World,
    rng: random.Random,
    ids: IdSource,
    job: _AppJob,
    owner: Person,
    when: datetime,
    client_info: str,
    resource: str,
    logon_type: int,
) -> None:
    folders = world.pick_items(rng, ids, owner.upn, when, rng.randrange(1, 4))
    if not folders:
        return
    world.evidence.add(
        when,
        records.mail_items_accessed(
            ids,
            when,
            user=owner.upn,
            owner=owner,
            access="Bind",
            folders=folders,
            ip=job.ip,
            client_info=client_info,
            app_id=job.app[0],
            logon_type=logon_type,
            token=job.token_at(when),
            resource=resource,
            user_type=5,
        ),
    )
