"""Entra sign-ins as Graph (beta) ``signIn`` objects, and the access tokens they issue.

Field set and order follow the Microsoft-Extractor-Suite exports in ``../shared/samples``
(service-principal and managed-identity files); user sign-ins add the user fields of the
Graph ``signIn`` resource. ``uniqueTokenIdentifier`` is the request id's GUID bytes in
base64url (see ``model.uti_for``). CAE-capable clients (Outlook, OWA, Outlook mobile) get
long-lived tokens; other clients refresh about hourly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tests.independent.mgmt_api import reference as ref
from tests.independent.mgmt_api.model import (
    Person,
    Token,
    World,
    graph_time,
)
from tests.independent.mgmt_api.signin_shape import blank_signin, locate


@dataclass(frozen=True)
class Client:
    """A user-facing mail client: its app id, how Entra describes it, and its Exchange string."""

    app_id: str
    app_name: str
    resource: str
    client_app_used: str
    user_agent: str
    os: str
    browser: str
    cae: bool
    cis: str


CLIENTS = {
    "desktop": Client(
        ref.OUTLOOK_DESKTOP,
        "Microsoft Office",
        ref.EXCHANGE,
        "Mobile Apps and Desktop clients",
        ref.UA_OUTLOOK,
        "Windows10",
        "Rich Client 16.0.16327",
        True,
        ref.CIS_DESKTOP,
    ),
    "owa": Client(
        ref.OWA,
        "One Outlook Web",
        ref.EXCHANGE,
        "Browser",
        ref.UA_EDGE,
        "Windows10",
        "Edge 113.0.1774",
        True,
        ref.CIS_OWA,
    ),
    "ios": Client(
        ref.OUTLOOK_MOBILE,
        "Outlook Mobile",
        ref.EXCHANGE,
        "Mobile Apps and Desktop clients",
        ref.UA_IOS_OUTLOOK,
        "Ios 16.5",
        "",
        True,
        ref.CIS_IOS,
    ),
    "android": Client(
        ref.OUTLOOK_MOBILE,
        "Outlook Mobile",
        ref.EXCHANGE,
        "Mobile Apps and Desktop clients",
        ref.UA_ANDROID_OUTLOOK,
        "Android 13",
        "",
        True,
        ref.CIS_ANDROID,
    ),
    "eas": Client(
        ref.IOS_ACCOUNTS,
        "iOS Accounts",
        ref.EXCHANGE,
        "Exchange ActiveSync",
        ref.UA_IOS_MAIL,
        "Ios 16.5",
        "",
        False,
        ref.CIS_EAS,
    ),
    "powershell": Client(
        ref.EXO_POWERSHELL,
        "Microsoft Exchange REST API Based Powershell",
        ref.EXCHANGE,
        "Mobile Apps and Desktop clients",
        ref.UA_POWERSHELL,
        "Windows10",
        "",
        False,
        "",
    ),
    "compliance": Client(
        ref.COMPLIANCE_CENTER,
        "Microsoft 365 Security and Compliance Center",
        ref.EXCHANGE,
        "Browser",
        ref.UA_EDGE,
        "Windows10",
        "Edge 113.0.1774",
        False,
        "",
    ),
    "portal": Client(
        ref.AZURE_PORTAL,
        "Azure Portal",
        ref.GRAPH,
        "Browser",
        ref.UA_EDGE,
        "Windows10",
        "Edge 113.0.1774",
        False,
        "",
    ),
}
FAILURES = {
    50126: "Error validating credentials due to invalid username or password.",
    50074: "Strong Authentication is required.",
    50140: "This error occurred due to 'Keep me signed in' interrupt when the user was signing in.",
}


def _lifetime(world: World, cae: bool) -> timedelta:
    if cae:
        return timedelta(hours=world.rng.randrange(24, 28))
    return timedelta(minutes=world.rng.randrange(60, 90))


def user_signin(
    world: World,
    person: Person,
    client: Client,
    when: datetime,
    ip: str,
    *,
    session_id: str,
    device_id: str,
    interactive: bool,
    error: int = 0,
    resource: str | None = None,
) -> Token | None:
    """Append one user sign-in; return the token it issued (None when it failed)."""
    request_id = world.guid()
    record = blank_signin(world, when, request_id)
    resource = resource or client.resource
    record.update(
        {
            "userDisplayName": person.display,
            "userPrincipalName": person.upn,
            "userId": person.object_id,
            "appId": client.app_id,
            "appDisplayName": client.app_name,
            "clientAppUsed": client.client_app_used,
            "userAgent": client.user_agent,
            "isInteractive": interactive,
            "resourceDisplayName": ref.RESOURCE_NAMES.get(resource, "Office 365 Exchange Online"),
            "resourceId": resource,
            "resourceServicePrincipalId": ref.RESOURCE_SP_IDS.get(resource, ""),
            "signInIdentifier": person.upn if interactive else "",
            "signInEventTypes": ["interactiveUser" if interactive else "nonInteractiveUser"],
            "userType": "member",
            "sessionId": session_id,
            "authenticationRequirement": "multiFactorAuthentication"
            if interactive
            else "singleFactorAuthentication",
            "incomingTokenType": "none" if interactive else "refreshToken",
            "authenticationProtocol": "none",
            "authenticationProcessingDetails": [
                {"key": "Is CAE Token", "value": str(client.cae)},
                {"key": "Legacy TLS (TLS 1.0, 1.1, 3DES)", "value": "False"},
            ],
        }
    )
    record["deviceDetail"].update(
        {
            "deviceId": device_id,
            "operatingSystem": client.os,
            "browser": client.browser,
            "isCompliant": bool(device_id),
            "isManaged": bool(device_id),
            "trustType": "Azure AD joined" if device_id else "",
        }
    )
    locate(world, record, ip)
    if interactive:
        record["authenticationMethodsUsed"] = ["Password", "Mobile app notification"]
        record["authenticationDetails"] = [
            {
                "authenticationStepDateTime": graph_time(when),
                "authenticationMethod": "Password",
                "authenticationMethodDetail": "Password Hash Sync",
                "succeeded": error != 50126,
                "authenticationStepResultDetail": "Correct password"
                if error != 50126
                else "Invalid username or password or Invalid on-premise username or password.",
                "authenticationStepRequirement": "Primary authentication",
            },
        ]
    if error:
        record["status"] = {
            "errorCode": error,
            "failureReason": FAILURES[error],
            "additionalDetails": None,
        }
        record["conditionalAccessStatus"] = "notApplied"
    kind = "interactive" if interactive else "noninteractive"
    world.signins.setdefault(kind, []).append(record)
    if error:
        return None
    return Token(
        record["uniqueTokenIdentifier"],
        when,
        session_id,
        client.app_id,
        resource,
        when + _lifetime(world, client.cae),
    )


@dataclass(frozen=True)
class App:
    """A service principal signing in with its own credential (client-credentials flow)."""

    app_id: str
    name: str
    sp_id: str
    owner_tenant: str
    key_id: str
    credential: str = "clientSecret"


def sp_signin(
    world: World, app: App, when: datetime, ip: str, resource: str, key_id: str | None = None
) -> Token:
    """Append one service-principal sign-in and return its app-only token (no user session)."""
    request_id = world.guid()
    record = blank_signin(world, when, request_id)
    record.update(
        {
            "appId": app.app_id,
            "appDisplayName": app.name,
            "servicePrincipalName": app.name,
            "servicePrincipalId": app.sp_id,
            "clientCredentialType": app.credential,
            "tokenIssuerType": "UnknownFutureValue",
            "processingTimeInMilliseconds": -1,
            "resourceDisplayName": ref.RESOURCE_NAMES.get(resource, ""),
            "resourceId": resource,
            "resourceServicePrincipalId": ref.RESOURCE_SP_IDS.get(resource, ""),
            "resourceTenantId": "",
            "homeTenantId": "",
            "signInEventTypes": ["servicePrincipal"],
            "servicePrincipalCredentialKeyId": key_id or app.key_id,
            "appOwnerTenantId": app.owner_tenant,
            "sessionId": world.guid() if world.rng.random() < 0.9 else "",
        }
    )
    locate(world, record, ip)
    world.signins.setdefault("serviceprincipal", []).append(record)
    return Token(
        record["uniqueTokenIdentifier"],
        when,
        "",
        app.app_id,
        resource,
        when + timedelta(minutes=world.rng.randrange(60, 90)),
    )


def mi_signin(
    world: World, name: str, app_id: str, sp_id: str, resource_path: str, when: datetime
) -> None:
    """Append one managed-identity sign-in (an Azure resource getting a Key Vault token)."""
    record = blank_signin(world, when, world.guid())
    record.update(
        {
            "appId": app_id,
            "appDisplayName": name,
            "servicePrincipalName": name,
            "servicePrincipalId": sp_id,
            "clientCredentialType": "managedIdentity",
            "tokenIssuerType": "UnknownFutureValue",
            "processingTimeInMilliseconds": -1,
            "resourceDisplayName": "Azure Key Vault",
            "resourceId": ref.KEY_VAULT,
            "resourceTenantId": "",
            "homeTenantId": "",
            "signInEventTypes": ["managedIdentity"],
        }
    )
    record["managedServiceIdentity"]["associatedResourceId"] = resource_path
    world.signins.setdefault("managedidentity", []).append(record)


@dataclass
class ClientSession:
    """One client on one device: a stable Entra session that keeps refreshing tokens."""

    world: World
    person: Person
    client: Client
    session_id: str
    device_id: str
    token: Token | None = None
    signed_in: bool = False

    def token_at(self, when: datetime, ip: str, *, interactive: bool = False) -> Token:
        """The token in use at ``when``; signs in (interactively the first time) if needed."""
        fresh = self.token is None or when >= self.token.expires - timedelta(minutes=5)
        if not (interactive or fresh) and self.token is not None:
            return self.token
        issued = when - timedelta(seconds=self.world.rng.randrange(2, 90))
        first = interactive or not self.signed_in
        token = user_signin(
            self.world,
            self.person,
            self.client,
            issued,
            ip,
            session_id=self.session_id,
            device_id=self.device_id,
            interactive=first,
        )
        assert token is not None
        self.signed_in = True
        self.token = token
        return token
