"""The Graph (beta) ``signIn`` object with every field Microsoft-Extractor-Suite exports.

Field order and empty values follow ``../shared/samples/entra/graph-serviceprincipal-signins-
extractor-suite.json``; callers fill in the user, app, resource and token fields.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tests.independent.mgmt_api import reference as ref
from tests.independent.mgmt_api.model import TENANT_ID, Record, World, graph_time, uti_for


def blank_signin(world: World, when: datetime, request_id: str) -> dict[str, Any]:
    return {
        "id": request_id,
        "createdDateTime": graph_time(when),
        "userDisplayName": "",
        "userPrincipalName": "",
        "userId": "",
        "appId": "",
        "appDisplayName": "",
        "ipAddress": "",
        "ipAddressFromResourceProvider": None,
        "clientAppUsed": "",
        "userAgent": "",
        "correlationId": world.guid(),
        "conditionalAccessStatus": "notApplied",
        "originalRequestId": "",
        "isInteractive": False,
        "tokenIssuerName": "",
        "tokenIssuerType": "AzureAD",
        "clientCredentialType": "none",
        "processingTimeInMilliseconds": world.rng.randrange(40, 400),
        "riskDetail": "none",
        "riskLevelAggregated": "none",
        "riskLevelDuringSignIn": "none",
        "riskState": "none",
        "riskEventTypes_v2": [],
        "resourceDisplayName": "",
        "resourceId": "",
        "resourceTenantId": TENANT_ID,
        "homeTenantId": TENANT_ID,
        "homeTenantName": "",
        "authenticationMethodsUsed": [],
        "authenticationRequirement": "",
        "signInIdentifier": "",
        "signInIdentifierType": None,
        "servicePrincipalName": "",
        "signInEventTypes": [],
        "servicePrincipalId": "",
        "federatedCredentialId": "",
        "userType": None,
        "flaggedForReview": False,
        "isTenantRestricted": False,
        "autonomousSystemNumber": 0,
        "crossTenantAccessType": "none",
        "servicePrincipalCredentialKeyId": "",
        "servicePrincipalCredentialThumbprint": "",
        "uniqueTokenIdentifier": uti_for(request_id),
        "incomingTokenType": "none",
        "authenticationProtocol": "none",
        "resourceServicePrincipalId": "",
        "signInTokenProtectionStatus": "none",
        "originalTransferMethod": "none",
        "isThroughGlobalSecureAccess": False,
        "globalSecureAccessIpAddress": "",
        "sessionId": "",
        "appOwnerTenantId": "",
        "resourceOwnerTenantId": "",
        "mfaDetail": None,
        "authenticationAppDeviceDetails": None,
        "status": {"errorCode": 0, "failureReason": "Other.", "additionalDetails": None},
        "deviceDetail": {
            "deviceId": "",
            "displayName": "",
            "operatingSystem": "",
            "browser": "",
            "isCompliant": None,
            "isManaged": None,
            "trustType": "",
        },
        "location": {
            "city": "",
            "state": "",
            "countryOrRegion": "",
            "geoCoordinates": {"altitude": None, "latitude": None, "longitude": None},
        },
        "appliedConditionalAccessPolicies": [],
        "authenticationContextClassReferences": [],
        "authenticationProcessingDetails": [],
        "networkLocationDetails": [],
        "authenticationDetails": [],
        "authenticationRequirementPolicies": [],
        "sessionLifetimePolicies": [],
        "privateLinkDetails": {
            "policyId": "",
            "policyName": "",
            "resourceId": "",
            "policyTenantId": "",
        },
        "appliedEventListeners": [],
        "authenticationAppPolicyEvaluationDetails": [],
        "managedServiceIdentity": {
            "msiType": "none",
            "associatedResourceId": "",
            "federatedTokenId": "",
            "federatedTokenIssuer": "",
        },
        "tokenProtectionStatusDetails": {
            "signInSessionStatus": "none",
            "signInSessionStatusCode": None,
        },
    }


def locate(world: World, record: Record, ip: str) -> None:
    record["ipAddress"] = ip
    place = world.geo.get(ip)
    if place is None:
        return
    city, state, country, lat, lon, _ = ref.CITIES[place.city]
    record["autonomousSystemNumber"] = place.asn
    record["location"] = {
        "city": city,
        "state": state,
        "countryOrRegion": country,
        "geoCoordinates": {"altitude": None, "latitude": lat, "longitude": lon},
    }
