"""A malicious multi-tenant OAuth app granted Mail.Read and full_access_as_app, reading many
mailboxes app-only (Midnight Blizzard against Microsoft, January 2024: MSRC 2024-01-25).
As there, the grants come from an administrator account taken over by password spray from
a residential proxy: failed sign-ins, one success from an address nobody else uses, the
grants minutes later. The app's tokens are real (service-principal sign-ins issue them);
what ties it to the actor is the taken-over account that armed it."""

from __future__ import annotations

import calendar
import random
from datetime import datetime, timedelta

from mailscope.simulate import entra_records, records
from mailscope.simulate.evidence import JsonObject, SignInRecord, Token
from mailscope.simulate.ids import IdSource, iso_z
from mailscope.simulate.org import EAP, Organisation, Person
from mailscope.simulate.places import Place
from mailscope.simulate.scenarios.common import actor_read, choose_items, later
from mailscope.simulate.signins import App, service_principal_signin, user_signin
from mailscope.simulate.world import World

APP_NAME = "Mail Insights Sync"
APP_IPS = ("91.132.139.207", "45.153.231.8", "193.29.107.56")
AMSTERDAM = Place("Amsterdam", "North Holland", "NL", 9009, 52.3676, 4.9041)
GRAPH_UA = "python-requests/2.31.0"
# The account takeover: a residential proxy exit nobody in the tenant uses (Midnight
# Blizzard sprayed from residential proxies, MSRC 2024-01-25).
TAKEOVER_IP = "172.98.71.15"
PRAGUE = Place("Prague", "Prague", "CZ", 5089, 50.0755, 14.4378)
PORTAL = App(
    "c44b4083-3bb0-49c1-b47d-974e53cbdf3c",
    "Azure Portal",
    "797f4846-ba00-4fd7-ba43-dac1f8f63013",
    "Windows Azure Service Management API",
    "Browser",
)
PORTAL_UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0"


def pick_victims(org: Organisation, rng: random.Random) -> list[Person]:
    """Every bureau head and a sample of East Asian and Pacific Affairs staff."""
    eap = [p for p in org.in_department(EAP) if not p.executive]
    chosen = {p.upn: p for p in [*org.executives, *rng.sample(eap, min(6, len(eap)))]}
    return [chosen[upn] for upn in sorted(chosen)]


def generate(world: World, victims: list[Person], variant: str) -> None:
    """Consent and app-role grants, then nightly app-only reads with Graph activity."""
    del variant
    rng = world.config.rng("oauth-app")
    ids = IdSource(world.config.rng("oauth-app-ids"))
    app_id, sp_id, owner_tenant = ids.guid(), ids.guid(), ids.guid()
    admin = next(p for p in world.org.people if p.admin)
    tenant = world.org.tenant_id
    grant_at = world.start + timedelta(days=2, hours=15, minutes=12)
    _take_over(world, ids, admin, grant_at - timedelta(minutes=9))
    grants = [
        (
            "Consent to application.",
            [
                ("ConsentContext.IsAdminConsent", "True"),
                ("ConsentContext.IsAppOnly", "True"),
                ("ConsentAction.Permissions", "Mail.Read"),
            ],
        ),
        (
            "Add app role assignment to service principal.",
            [("AppRole.Value", "Mail.Read"), ("ServicePrincipal.AppId", app_id)],
        ),
        (
            "Add app role assignment to service principal.",
            [("AppRole.Value", "full_access_as_app"), ("ServicePrincipal.AppId", app_id)],
        ),
    ]
    for index, (operation, modified) in enumerate(grants):
        when = grant_at + timedelta(seconds=20 * index)
        world.evidence.add(
            when,
            entra_records.directory_op(
                ids,
                when,
                operation=operation,
                actor_upn=admin.upn,
                actor_id=admin.object_id,
                app_id=app_id,
                app_name=APP_NAME,
                tenant_id=tenant,
                modified=modified,
            ),
            actor=True,
        )
        world.evidence.directory.append(
            entra_records.graph_directory_audit(
                ids,
                when,
                activity=operation,
                actor_upn=admin.upn,
                actor_id=admin.object_id,
                ip=TAKEOVER_IP,
                user_agent=PORTAL_UA,
                app_id=app_id,
                app_name=APP_NAME,
                sp_id=sp_id,
                modified=modified,
            )
        )
    for night in world.days()[3:]:
        when = later(night, rng, 3600, 5 * 3600)
        ip = rng.choice(APP_IPS)
        token = Token(None, ids.token_id(), when, app_id)
        session_id = ids.guid()
        world.evidence.signins.append(
            SignInRecord(
                "service_principal",
                when,
                service_principal_signin(
                    ids,
                    when,
                    app_id=app_id,
                    app_name=APP_NAME,
                    sp_id=sp_id,
                    ip=ip,
                    place=AMSTERDAM,
                    token_id=token.token_id,
                    session_id=session_id,
                    resource_id=records.GRAPH,
                    resource_name="Microsoft Graph",
                    tenant_id=tenant,
                    owner_tenant=owner_tenant,
                    user_agent=GRAPH_UA,
                ),
            )
        )
        world.evidence.actor.note(session_id=session_id, user_agent=GRAPH_UA)
        at = when
        for victim in victims:
            for _ in range(rng.randrange(2, 6)):
                at = later(at, rng, 5, 40)
                pool = world.received_before(victim.upn, at)
                if not pool:
                    continue
                # full_access_as_app reads go through EWS impersonation (LogonType 1 in
                # practice); Mail.Read reads go through Graph REST as the app (LogonType 0).
                ews = rng.random() < 0.3
                actor_read(
                    world,
                    ids,
                    when=at,
                    owner=victim,
                    ip=ip,
                    app_id=app_id,
                    token=token,
                    client_info="Client=WebServices;" if ews else "Client=REST;;",
                    logon_type=1 if ews else 0,
                    chosen=choose_items(world, rng, victim, pool, rng.randrange(1, 6)),
                )
                world.evidence.graph.append(
                    graph_request(
                        ids,
                        at,
                        app_id=app_id,
                        sp_id=sp_id,
                        ip=ip,
                        token=token,
                        victim=victim,
                        tenant=tenant,
                    )
                )


def _take_over(world: World, ids: IdSource, admin: Person, success: datetime) -> None:
    """Three wrong passwords, then the sign-in that works, all from the proxy."""
    for index, minutes in enumerate((31, 17, 6, 0)):
        when = success - timedelta(minutes=minutes)
        session_id, token_id = ids.guid(), ids.token_id()
        failed = index < 3
        world.evidence.signins.append(
            SignInRecord(
                "interactive",
                when,
                user_signin(
                    ids,
                    when,
                    kind="interactive",
                    person=admin,
                    app=PORTAL,
                    ip=TAKEOVER_IP,
                    place=PRAGUE,
                    session_id=session_id,
                    token_id=token_id,
                    user_agent=PORTAL_UA,
                    tenant_id=world.org.tenant_id,
                    error_code=50126 if failed else 0,
                ),
            )
        )
        if not failed:
            world.evidence.actor.note(
                ip=TAKEOVER_IP, session_id=session_id, token_id=token_id, user_agent=PORTAL_UA
            )


def graph_request(
    ids: IdSource,
    when: datetime,
    *,
    app_id: str,
    sp_id: str,
    ip: str,
    token: Token,
    victim: Person,
    tenant: str,
) -> JsonObject:
    """A MicrosoftGraphActivityLogs record (Event Hub shape) whose ``signInActivityId``
    is the token's ``uniqueTokenIdentifier``."""
    request = ids.guid()
    stamp = when.strftime("%Y-%m-%dT%H:%M:%S.0000000Z")
    return {
        "time": stamp,
        "resourceId": f"/TENANTS/{tenant.upper()}/PROVIDERS/MICROSOFT.AADIAM",
        "operationName": "Microsoft Graph Activity",
        "operationVersion": "v1.0",
        "category": "MicrosoftGraphActivityLogs",
        "resultSignature": "200",
        "durationMs": "183214",
        "callerIpAddress": ip,
        "correlationId": request,
        "level": "Informational",
        "location": "West Europe",
        "properties": {
            "timeGenerated": stamp,
            "location": "West Europe",
            "requestId": request,
            "operationId": request,
            "clientRequestId": ids.guid(),
            "apiVersion": "v1.0",
            "requestMethod": "GET",
            "responseStatusCode": 200,
            "tenantId": tenant,
            "durationMs": 183214,
            "responseSizeBytes": 48211,
            "signInActivityId": token.token_id,
            "roles": "Mail.Read full_access_as_app",
            "appId": app_id,
            "servicePrincipalId": sp_id,
            "scopes": "",
            "identityProvider": f"https://sts.windows.net/{tenant}/",
            "clientAuthMethod": "1",
            "wids": "",
            "C_Idtyp": "app",
            "C_Iat": str(calendar.timegm(token.issued.timetuple())),
            "ipAddress": ip,
            "userAgent": GRAPH_UA,
            "requestUri": f"https://graph.microsoft.com/v1.0/users/{victim.object_id}/messages"
            "?$top=50",
            "atContentP": "",
            "atContentH": "",
            "userId": "",
            "tokenIssuedAt": iso_z(token.issued),
        },
        "tenantId": tenant,
    }
