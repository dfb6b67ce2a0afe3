"""Builders for the Entra ID records the unified audit log carries (RecordType 8 and 15),
in the key order of the Management Activity API samples in ../shared/samples/ual."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mailscope.simulate.evidence import JsonObject
from mailscope.simulate.ids import IdSource, iso
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
