"""Builders for Graph ``auditLogs/signIns`` records (beta shape, field names and order as
in the Extractor-Suite and Event Hub samples under ../shared/samples/entra)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from mailscope.simulate.evidence import JsonObject
from mailscope.simulate.ids import IdSource, iso_z
from mailscope.simulate.places import Place

if TYPE_CHECKING:
    from mailscope.simulate.org import Person

EVENT_TYPES = {
    "interactive": "interactiveUser",
    "noninteractive": "nonInteractiveUser",
    "service_principal": "servicePrincipal",
}


@dataclass(frozen=True)
class App:
    """A client application and the resource its token is for."""

    app_id: str
    name: str
    resource_id: str
    resource_name: str
    client_app_used: str


def _location(place: Place) -> JsonObject:
    return {
        "city": place.city,
        "state": place.state,
        "countryOrRegion": place.country,
        "geoCoordinates": {"altitude": None, "latitude": place.lat, "longitude": place.lon},
    }


def user_signin(
    ids: IdSource,
    when: datetime,
    *,
    kind: str,
    person: Person,
    app: App,
    ip: str,
    place: Place,
    session_id: str,
    token_id: str,
    user_agent: str,
    tenant_id: str,
    error_code: int = 0,
    device: str = "Windows10",
) -> JsonObject:
    """An interactive or non-interactive user sign-in issuing one token."""
    correlation = ids.guid()
    return {
        "id": ids.guid(),
        "createdDateTime": iso_z(when),
        "userDisplayName": person.display_name,
        "userPrincipalName": person.upn,
        "userId": person.object_id,
        "appId": app.app_id,
        "appDisplayName": app.name,
        "ipAddress": ip,
        "clientAppUsed": app.client_app_used,
        "userAgent": user_agent,
        "correlationId": correlation,
        "conditionalAccessStatus": "success",
        "originalRequestId": correlation,
        "isInteractive": kind == "interactive",
        "tokenIssuerName": "",
        "tokenIssuerType": "AzureAD",
        "resourceDisplayName": app.resource_name,
        "resourceId": app.resource_id,
        "resourceTenantId": tenant_id,
        "homeTenantId": tenant_id,
        "authenticationRequirement": "multiFactorAuthentication"
        if kind == "interactive"
        else "singleFactorAuthentication",
        "signInEventTypes": [EVENT_TYPES[kind]],
        "servicePrincipalId": "",
        "userType": "member",
        "flaggedForReview": False,
        "isTenantRestricted": False,
        "autonomousSystemNumber": place.asn,
        "crossTenantAccessType": "none",
        "uniqueTokenIdentifier": token_id,
        "incomingTokenType": "none" if kind == "interactive" else "primaryRefreshToken",
        "authenticationProtocol": "none",
        "sessionId": session_id,
        "status": {
            "errorCode": error_code,
            "failureReason": "Other." if error_code == 0 else "Invalid password.",
            "additionalDetails": None,
        },
        "deviceDetail": {
            "deviceId": "",
            "displayName": "",
            "operatingSystem": device,
            "browser": "",
            "isCompliant": None,
            "isManaged": None,
            "trustType": "",
        },
        "location": _location(place),
        "appliedConditionalAccessPolicies": [],
        "authenticationDetails": [],
    }


def service_principal_signin(
    ids: IdSource,
    when: datetime,
    *,
    app_id: str,
    app_name: str,
    sp_id: str,
    ip: str,
    place: Place,
    token_id: str,
    session_id: str,
    resource_id: str,
    resource_name: str,
    tenant_id: str,
    owner_tenant: str,
    user_agent: str = "",
    credential: str = "clientSecret",
) -> JsonObject:
    """An app-only (client credentials) sign-in; its token backs app-only mailbox reads.
    ``credential`` is ``clientSecret`` or ``clientAssertion`` (a certificate), the two
    values the Extractor-Suite sample shows."""
    return {
        "id": ids.guid(),
        "createdDateTime": iso_z(when),
        "userDisplayName": "",
        "userPrincipalName": "",
        "userId": "",
        "appId": app_id,
        "appDisplayName": app_name,
        "ipAddress": ip,
        "clientAppUsed": "",
        "userAgent": user_agent,
        "correlationId": ids.guid(),
        "conditionalAccessStatus": "notApplied",
        "originalRequestId": "",
        "isInteractive": False,
        "tokenIssuerName": "",
        "tokenIssuerType": "AzureAD",
        "clientCredentialType": credential,
        "resourceDisplayName": resource_name,
        "resourceId": resource_id,
        "resourceTenantId": tenant_id,
        "homeTenantId": tenant_id,
        "signInEventTypes": ["servicePrincipal"],
        "servicePrincipalId": sp_id,
        "servicePrincipalName": app_name,
        "userType": None,
        "flaggedForReview": False,
        "isTenantRestricted": False,
        "autonomousSystemNumber": place.asn,
        "crossTenantAccessType": "none",
        "uniqueTokenIdentifier": token_id,
        "incomingTokenType": "none",
        "authenticationProtocol": "none",
        "sessionId": session_id,
        "appOwnerTenantId": owner_tenant,
        "status": {"errorCode": 0, "failureReason": "Other.", "additionalDetails": None},
        "location": _location(place),
        "appliedConditionalAccessPolicies": [],
    }
