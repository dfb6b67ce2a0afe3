"""Unified Audit Log records in the Office 365 Management Activity API (AuditData) schema.

Field names, order and value types follow the real records in
``../shared/samples/ual/management-api-sekoia.jsonl`` and the det-eng-samples lab, and the
Common, Exchange Mailbox, Exchange Admin, Azure Active Directory and eDiscovery schemas of
the Management Activity API reference.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from tests.independent.mgmt_api.mailboxes import folder_id, item_id
from tests.independent.mgmt_api.model import (
    TENANT_ID,
    TENANT_NAME,
    Message,
    Person,
    Record,
    Token,
    World,
    ual_time,
)

# Exchange omits AppAccessContext on some aggregated MailItemsAccessed records.
NO_CONTEXT_SHARE = 0.15


def _common(
    world: World,
    when: datetime,
    operation: str,
    record_type: int,
    user_key: str,
    user_type: int,
    workload: str,
    record_id: str | None = None,
) -> Record:
    return {
        "CreationTime": ual_time(when),
        "Id": record_id or world.guid(),
        "Operation": operation,
        "OrganizationId": TENANT_ID,
        "RecordType": record_type,
        "ResultStatus": "Succeeded",
        "UserKey": user_key,
        "UserType": user_type,
        "Version": 1,
        "Workload": workload,
    }


def _server(person: Person) -> str:
    return f"{person.server} (15.20.{6400 + int(person.server[-2:]):04d}.0{person.server[-2:]})\r\n"


def exchange_path(folder: str) -> str:
    """The audit log's spelling of an export folder: ``Inbox/Travel`` -> ``\\Inbox\\Travel``."""
    return "\\" + folder.replace("/", "\\")


def app_access_context(token: Token, app_only: bool) -> dict[str, Any]:
    context: dict[str, Any] = {}
    if not app_only and token.session_id:
        context["AADSessionId"] = token.session_id
    context["APIId"] = token.resource
    context["ClientAppId"] = token.client_app_id
    context["IssuedAtTime"] = ual_time(token.issued)
    context["UniqueTokenId"] = token.uti
    return context


def mail_items_accessed(
    world: World,
    when: datetime,
    owner: Person,
    *,
    user_id: str,
    user_key: str,
    logon_type: int,
    logon_sid: str,
    app_id: str,
    client_app_id: str,
    ip: str,
    cis: str,
    access: str,
    folders: list[tuple[str, list[Message]]],
    token: Token | None,
    user_type: int = 0,
    app_only: bool = False,
) -> Record:
    """One MailItemsAccessed record (RecordType 50): Bind lists items, Sync only folders."""
    record: Record = {}
    if token is not None and world.rng.random() >= NO_CONTEXT_SHARE:
        record["AppAccessContext"] = app_access_context(token, app_only)
    record.update(_common(world, when, "MailItemsAccessed", 50, user_key, user_type, "Exchange"))
    record.update(
        {
            "UserId": user_id,
            "AppId": app_id,
            "ClientAppId": client_app_id,
            "ClientIPAddress": ip,
            "ClientInfoString": cis,
            "ExternalAccess": False,
            "InternalLogonType": 0,
            "LogonType": logon_type,
            "LogonUserSid": logon_sid,
            "MailboxGuid": owner.mailbox_guid,
            "MailboxOwnerSid": owner.sid,
            "MailboxOwnerUPN": owner.upn,
            "OperationProperties": [
                {"Name": "MailAccessType", "Value": access},
                {"Name": "IsThrottled", "Value": "False"},
            ],
            "OrganizationName": TENANT_NAME,
            "OriginatingServer": _server(owner),
            "SessionId": world.guid(),
        }
    )
    if token is not None and not app_only:
        record["TokenObjectId"] = world.person(user_id).object_id
        record["TokenTenantId"] = TENANT_ID
    entries: list[dict[str, Any]] = []
    count = 0
    for folder, messages in folders:
        entry: dict[str, Any] = {}
        if access == "Bind":
            entry["FolderItems"] = [
                {
                    "Id": item_id(owner.upn, m.message_id),
                    "InternetMessageId": m.message_id,
                    "SizeInBytes": m.size,
                }
                for m in messages
            ]
            count += len(messages)
        else:
            count += 1
        entry["Id"] = folder_id(world, owner.upn, folder)
        entry["Path"] = exchange_path(folder)
        entries.append(entry)
    record["Folders"] = entries
    record["OperationCount"] = count
    return record


def send(
    world: World,
    when: datetime,
    person: Person,
    message: Message,
    token: Token | None,
    ip: str,
    cis: str,
    client_app_id: str,
    app_id: str,
) -> Record:
    """A Send record (RecordType 2, ExchangeItem) for a message the owner sent."""
    record: Record = {}
    if token is not None and world.rng.random() >= NO_CONTEXT_SHARE:
        record["AppAccessContext"] = app_access_context(token, False)
    record.update(_common(world, when, "Send", 2, person.puid, 0, "Exchange"))
    record.update(
        {
            "ClientIP": ip,
            "UserId": person.upn,
            "AppId": app_id,
            "ClientAppId": client_app_id,
            "ClientIPAddress": ip,
            "ClientInfoString": cis,
            "ExternalAccess": False,
            "InternalLogonType": 0,
            "LogonType": 0,
            "LogonUserSid": person.sid,
            "MailboxGuid": person.mailbox_guid,
            "MailboxOwnerSid": person.sid,
            "MailboxOwnerUPN": person.upn,
            "OrganizationName": TENANT_NAME,
            "OriginatingServer": _server(person),
            "SessionId": world.guid(),
            "Item": {
                "Id": item_id(person.upn, message.message_id),
                "InternetMessageId": message.message_id,
                "ParentFolder": {
                    "Id": folder_id(world, person.upn, "Sent Items"),
                    "Path": "\\Sent Items",
                },
                "SizeInBytes": message.size,
                "Subject": message.subject,
            },
        }
    )
    return record


def user_logged_in(world: World, signin: Record, person: Person) -> Record:
    """The audit log's copy of an interactive sign-in (RecordType 15); Id is the request id."""
    when = datetime.fromisoformat(signin["createdDateTime"].replace("Z", "+00:00"))
    failed = signin["status"]["errorCode"] != 0
    record = _common(
        world,
        when,
        "UserLoginFailed" if failed else "UserLoggedIn",
        15,
        person.object_id,
        0,
        "AzureActiveDirectory",
        signin["id"],
    )
    record["ResultStatus"] = "Failed" if failed else "Success"
    record.update(
        {
            "ClientIP": signin["ipAddress"],
            "ObjectId": signin["resourceId"],
            "UserId": person.upn,
            "AzureActiveDirectoryEventType": 1,
            "ExtendedProperties": [
                {"Name": "ResultStatusDetail", "Value": "Success" if not failed else "Failed"},
                {"Name": "UserAgent", "Value": signin["userAgent"]},
                {"Name": "RequestType", "Value": "OAuth2:Authorize"},
            ],
            "ModifiedProperties": [],
            "Actor": [{"ID": person.object_id, "Type": 0}, {"ID": person.upn, "Type": 5}],
            "ActorContextId": TENANT_ID,
            "ActorIpAddress": signin["ipAddress"],
            "InterSystemsId": signin["correlationId"],
            "IntraSystemId": signin["id"],
            "SupportTicketId": "",
            "Target": [{"ID": signin["resourceId"], "Type": 0}],
            "TargetContextId": TENANT_ID,
            "ApplicationId": signin["appId"],
            "DeviceProperties": [
                {"Name": "OS", "Value": signin["deviceDetail"]["operatingSystem"]},
                {"Name": "SessionId", "Value": signin["sessionId"]},
            ],
            "ErrorNumber": str(signin["status"]["errorCode"]),
        }
    )
    return record


def cmdlet(
    world: World,
    when: datetime,
    person: Person,
    operation: str,
    object_id: str,
    parameters: list[tuple[str, str]],
    ip: str,
    app_id: str,
    admin: bool = True,
) -> Record:
    """An Exchange admin-audit record (RecordType 1): a cmdlet with its parameters."""
    record = _common(world, when, operation, 1, person.puid, 2 if admin else 0, "Exchange")
    record["ResultStatus"] = "True"
    port = world.rng.randrange(1024, 65535)
    record.update(
        {
            "ClientIP": f"[{ip}]:{port}" if ":" in ip else f"{ip}:{port}",
            "ObjectId": object_id,
            "UserId": person.upn,
            "AppId": app_id,
            "ClientAppId": "",
            "ExternalAccess": False,
            "OrganizationName": TENANT_NAME,
            "OriginatingServer": _server(person).strip(),
            "Parameters": [{"Name": n, "Value": v} for n, v in parameters],
            "SessionId": world.guid(),
        }
    )
    return record


def directory_event(
    world: World,
    when: datetime,
    person: Person,
    operation: str,
    object_id: str,
    modified: list[tuple[str, str, str]],
    targets: list[tuple[str, int]],
    category: str,
    details: dict[str, str],
) -> Record:
    """The audit log's copy of an Entra directory change (RecordType 8)."""
    record = _common(
        world, when, operation, 8, f"{person.puid}@{TENANT_NAME}", 0, "AzureActiveDirectory"
    )
    record["ResultStatus"] = "Success"
    record.update(
        {
            "ObjectId": object_id,
            "UserId": person.upn,
            "AzureActiveDirectoryEventType": 1,
            "ExtendedProperties": [
                {"Name": "additionalDetails", "Value": json.dumps(details, separators=(",", ":"))},
                {"Name": "extendedAuditEventCategory", "Value": category},
            ],
            "ModifiedProperties": [
                {"Name": n, "NewValue": new, "OldValue": old} for n, new, old in modified
            ],
            "Actor": [
                {"ID": person.upn, "Type": 5},
                {"ID": person.puid, "Type": 3},
                {"ID": f"User_{person.object_id}", "Type": 2},
                {"ID": person.object_id, "Type": 2},
                {"ID": "User", "Type": 2},
            ],
            "ActorContextId": TENANT_ID,
            "InterSystemsId": world.guid(),
            "IntraSystemId": world.guid(),
            "SupportTicketId": "",
            "Target": [{"ID": t, "Type": k} for t, k in targets],
            "TargetContextId": TENANT_ID,
        }
    )
    return record


def discovery(
    world: World,
    when: datetime,
    person: Person,
    operation: str,
    case_id: str,
    case_name: str,
    search: str,
    query: str,
    sources: list[str],
    ip: str,
) -> Record:
    """An eDiscovery activity (RecordType 24, Audit.General); eDiscovery logs no
    MailItemsAccessed (Purview, "Use MailItemsAccessed to investigate compromised accounts")."""
    record = _common(world, when, operation, 24, person.puid, 0, "SecurityComplianceCenter")
    record.update(
        {
            "ClientIP": ip,
            "ObjectId": search,
            "UserId": person.upn,
            "CaseId": case_id,
            "CaseName": case_name,
            "Object1Id": world.guid(),
            "Object1Name": search,
            "Object1Type": "ContentSearch",
            "QueryText": query,
            "DataSources": sources,
            "StartTime": ual_time(when),
            "JobId": world.guid(),
        }
    )
    return record
