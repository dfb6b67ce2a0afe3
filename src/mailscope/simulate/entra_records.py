"""Builders for the Entra ID records the unified audit log carries (RecordType 8 and 15),
in the key order of the Management Activity API samples in ../shared/samples/ual."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mailscope.simulate.evidence import JsonObject
from mailscope.simulate.ids import IdSource, iso, iso_z
from mailscope.simulate.org import Person
from mailscope.simulate.records import EXCHANGE


def user_logged_in(
    ids: IdSource,
    when: datetime,
    *,
    person: Person,
    ip: str,
    user_agent: str,
    session_id: str,
    app_id: str,
    tenant_id: str,
    failed: bool = False,
) -> JsonObject:
    """UserLoggedIn / UserLoginFailed (RecordType 15, AzureActiveDirectory)."""
    record_id = ids.guid()
    properties: list[dict[str, Any]] = [
        {"Name": "ResultStatusDetail", "Value": "Success"},
        {"Name": "UserAgent", "Value": user_agent},
        {"Name": "RequestType", "Value": "Login:login"},
    ]
    return {
        "CreationTime": iso(when),
        "Id": record_id,
        "Operation": "UserLoginFailed" if failed else "UserLoggedIn",
        "OrganizationId": tenant_id,
        "RecordType": 15,
        "ResultStatus": "Success",
        "UserKey": person.object_id,
        "UserType": 0,
        "Version": 1,
        "Workload": "AzureActiveDirectory",
        "ClientIP": ip,
        "ObjectId": EXCHANGE,
        "UserId": person.upn,
        "AzureActiveDirectoryEventType": 1,
        "ExtendedProperties": properties,
        "ModifiedProperties": [],
        "Actor": [{"ID": person.object_id, "Type": 0}, {"ID": person.upn, "Type": 5}],
        "ActorContextId": tenant_id,
        "ActorIpAddress": ip,
        "InterSystemsId": ids.guid(),
        "IntraSystemId": record_id,
        "SupportTicketId": "",
        "Target": [{"ID": EXCHANGE, "Type": 0}],
        "TargetContextId": tenant_id,
        "ApplicationId": app_id,
        "DeviceProperties": [
            {"Name": "OS", "Value": "Windows 10"},
            {"Name": "BrowserType", "Value": "Edge"},
            {"Name": "IsCompliantAndManaged", "Value": "True"},
            {"Name": "SessionId", "Value": session_id},
        ],
        "ErrorNumber": "50140" if failed else "0",
    }


def directory_op(
    ids: IdSource,
    when: datetime,
    *,
    operation: str,
    actor_upn: str,
    actor_id: str,
    app_id: str,
    app_name: str,
    tenant_id: str,
    modified: list[tuple[str, str]],
) -> JsonObject:
    """An Entra directory audit record in the UAL (RecordType 8): consent grants and app
    role assignments, shaped like the Management API sample's "Consent to application."."""
    record_id = ids.guid()
    return {
        "CreationTime": iso(when),
        "Id": record_id,
        "Operation": operation,
        "OrganizationId": tenant_id,
        "RecordType": 8,
        "ResultStatus": "Success",
        "UserKey": f"{actor_id}@{tenant_id}",
        "UserType": 0,
        "Version": 1,
        "Workload": "AzureActiveDirectory",
        "ObjectId": app_id,
        "UserId": actor_upn,
        "AzureActiveDirectoryEventType": 1,
        "ExtendedProperties": [
            {"Name": "additionalDetails", "Value": f'{{"User-Agent":"EvoSTS","AppId":"{app_id}"}}'},
            {"Name": "extendedAuditEventCategory", "Value": "ServicePrincipal"},
        ],
        "ModifiedProperties": [{"Name": n, "NewValue": v, "OldValue": ""} for n, v in modified],
        "Actor": [{"ID": actor_upn, "Type": 5}, {"ID": actor_id, "Type": 2}],
        "ActorContextId": tenant_id,
        "InterSystemsId": ids.guid(),
        "IntraSystemId": record_id,
        "SupportTicketId": "",
        "Target": [
            {"ID": f"ServicePrincipal_{app_id}", "Type": 2},
            {"ID": app_name, "Type": 1},
            {"ID": app_id, "Type": 2},
        ],
        "TargetContextId": tenant_id,
    }


def graph_directory_audit(
    ids: IdSource,
    when: datetime,
    *,
    activity: str,
    actor_upn: str,
    actor_id: str,
    ip: str,
    user_agent: str,
    app_id: str,
    app_name: str,
    sp_id: str,
    modified: list[tuple[str, str]],
) -> JsonObject:
    """The Entra audit log's (Graph ``directoryAudit``) copy of an app change, shaped like
    the Extractor-Suite AuditLogs sample: unlike the UAL copy it names the initiator's
    address (``initiatedBy.user.ipAddress``)."""
    correlation = ids.guid()
    return {
        "id": f"Directory_{correlation}_{ids.hexid(5).upper()}_{ids.hexid(8)}",
        "category": "ApplicationManagement",
        "correlationId": correlation,
        "result": "success",
        "resultReason": "",
        "activityDisplayName": activity.rstrip("."),
        "activityDateTime": iso_z(when),
        "loggedByService": "Core Directory",
        "operationType": "Assign" if "assignment" in activity.lower() else "Add",
        "initiatedBy": {
            "app": None,
            "user": {
                "id": actor_id,
                "displayName": None,
                "userPrincipalName": actor_upn,
                "ipAddress": ip,
                "userType": None,
                "homeTenantId": None,
                "homeTenantName": None,
            },
        },
        "targetResources": [
            {
                "id": sp_id,
                "displayName": app_name,
                "type": "ServicePrincipal",
                "userPrincipalName": None,
                "groupType": None,
                "modifiedProperties": [
                    {"displayName": n, "oldValue": None, "newValue": f'"{v}"'} for n, v in modified
                ]
                + [
                    {
                        "displayName": "ServicePrincipal.AppId",
                        "oldValue": None,
                        "newValue": f'"{app_id}"',
                    }
                ],
            }
        ],
        "additionalDetails": [{"key": "User-Agent", "value": user_agent}],
    }
