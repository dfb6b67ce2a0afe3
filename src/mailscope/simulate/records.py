"""Builders for unified-audit-log records in the exact key order Exchange and Entra emit
(copied from the Purview and Management Activity API samples in ../shared/samples/ual)."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime
from typing import Any

from mailscope.simulate.evidence import JsonObject, Token
from mailscope.simulate.ids import IdSource, iso
from mailscope.simulate.mail import audit_path
from mailscope.simulate.org import TENANT_NAME, Person

# First-party application ids (Microsoft Entra "first-party apps" list; DESIGN.md).
EXCHANGE = "00000002-0000-0ff1-ce00-000000000000"
GRAPH = "00000003-0000-0000-c000-000000000000"
OUTLOOK_DESKTOP = "d3590ed6-52b3-4102-aeff-aad2292ab01c"
OUTLOOK_MOBILE = "27922004-5251-4030-b22d-91ecd9a37ea4"
OWA = "9199bf20-a13f-4107-85dc-02114787ef48"
_NS = uuid.UUID("6ba7b811-9dad-11d1-80b4-00c04fd430c8")  # RFC 4122 URL namespace

Item = tuple[str, int]  # (InternetMessageId, SizeInBytes)


def mailbox_guid(upn: str) -> str:
    """A stable ``MailboxGuid`` for a mailbox (name-based UUID, no randomness needed)."""
    return str(uuid.uuid5(_NS, f"mailbox:{upn}"))


def user_sid(upn: str) -> str:
    """A stable on-premises-style SID for ``LogonUserSid`` / ``MailboxOwnerSid``."""
    rid = int(hashlib.sha256(upn.encode()).hexdigest()[:6], 16) % 900000 + 1100
    return f"S-1-5-21-2212414432-3521789004-1734201863-{rid}"


def user_key(upn: str) -> str:
    """The ``UserKey`` PUID (16 hex digits)."""
    return "10032" + hashlib.sha256(upn.encode()).hexdigest()[:11].upper()


def folder_id(upn: str, folder: str) -> str:
    """An EWS-style folder id, stable per mailbox and folder."""
    digest = hashlib.sha256(f"{upn}|{folder}".encode()).hexdigest()[:40].upper()
    return f"LgAAAAB{digest}AQAAAB"


def _exchange_head(
    ids: IdSource, when: datetime, operation: str, record_type: int, user: str, token: Token | None
) -> JsonObject:
    head: JsonObject = {}
    if token is not None:
        context: JsonObject = {"IssuedAtTime": iso(token.issued), "UniqueTokenId": token.token_id}
        if token.session_id:
            context = {"AADSessionId": token.session_id, **context}
        head["AppAccessContext"] = {**context, "ClientAppId": token.client_app_id}
    head.update(
        {
            "CreationTime": iso(when),
            "Id": ids.guid(),
            "Operation": operation,
            "OrganizationId": _ORG["id"],
            "RecordType": record_type,
            "ResultStatus": "Succeeded",
            "UserKey": user_key(user),
            "UserType": 0,
            "Version": 1,
            "Workload": "Exchange",
        }
    )
    return head


_ORG: dict[str, str] = {"id": ""}


def set_organization_id(tenant_id: str) -> None:
    """Set the ``OrganizationId`` every record carries (the tenant id)."""
    _ORG["id"] = tenant_id


def mail_items_accessed(
    ids: IdSource,
    when: datetime,
    *,
    user: str,
    owner: Person,
    access: str,
    folders: list[tuple[str, list[Item]]],
    ip: str,
    client_info: str,
    app_id: str,
    logon_type: int,
    token: Token | None,
    throttled: bool = False,
) -> JsonObject:
    """A MailItemsAccessed record (RecordType 50). Bind lists the items read per folder
    and ``OperationCount``; Sync names whole folders without items (Purview docs,
    "Use MailItemsAccessed to investigate compromised accounts")."""
    data = _exchange_head(ids, when, "MailItemsAccessed", 50, user, token)
    data.update(
        {
            "UserId": user,
            "AppId": app_id,
            "ClientAppId": token.client_app_id if token else "",
            "ClientIPAddress": ip,
            "ClientInfoString": client_info,
            "ExternalAccess": False,
            "InternalLogonType": 0,
            "LogonType": logon_type,
            "LogonUserSid": user_sid(user),
            "MailboxGuid": mailbox_guid(owner.upn),
            "MailboxOwnerSid": user_sid(owner.upn),
            "MailboxOwnerUPN": owner.upn,
            "OperationProperties": [
                {"Name": "MailAccessType", "Value": access},
                {"Name": "IsThrottled", "Value": str(throttled)},
            ],
            "OrganizationName": TENANT_NAME,
            "OriginatingServer": "BN0PR09MB6811 (15.20.6455.028)\r\n",
        }
    )
    if token is not None and token.session_id:
        data["SessionId"] = token.session_id
    data["Folders"] = [_folder(owner.upn, path, items, access) for path, items in folders]
    if access == "Bind":
        data["OperationCount"] = sum(len(items) for _, items in folders)
    return data


def _folder(upn: str, folder: str, items: list[Item], access: str) -> JsonObject:
    entry: JsonObject = {}
    if access == "Bind":
        entry["FolderItems"] = [{"InternetMessageId": m, "SizeInBytes": s} for m, s in items]
    entry["Id"] = folder_id(upn, folder)
    entry["Path"] = audit_path(folder)
    return entry


def mailbox_item_op(
    ids: IdSource,
    when: datetime,
    *,
    operation: str,
    person: Person,
    ip: str,
    client_info: str,
    token: Token | None,
    folder: str,
    item: Item,
    subject: str,
) -> JsonObject:
    """Send (RecordType 2) or SoftDelete/HardDelete/MoveToDeletedItems (RecordType 3)."""
    record_type = 2 if operation == "Send" else 3
    data = _exchange_head(ids, when, operation, record_type, person.upn, token)
    data.update(
        {
            "ClientIP": ip,
            "UserId": person.upn,
            "AppId": token.client_app_id if token else "",
            "ClientIPAddress": ip,
            "ClientInfoString": client_info,
            "ExternalAccess": False,
            "InternalLogonType": 0,
            "LogonType": 0,
            "LogonUserSid": user_sid(person.upn),
            "MailboxGuid": mailbox_guid(person.upn),
            "MailboxOwnerSid": user_sid(person.upn),
            "MailboxOwnerUPN": person.upn,
            "OrganizationName": TENANT_NAME,
            "OriginatingServer": "BN0PR09MB6811 (15.20.6455.028)\r\n",
        }
    )
    if token is not None and token.session_id:
        data["SessionId"] = token.session_id
    parent = {"Id": folder_id(person.upn, folder), "Path": audit_path(folder)}
    entry = {
        "Id": ids.hexid(40),
        "InternetMessageId": item[0],
        "ParentFolder": parent,
        "Subject": subject,
        "SizeInBytes": item[1],
    }
    if record_type == 2:
        data["Item"] = entry
        return data
    data["AffectedItems"] = [entry]
    data["CrossMailboxOperation"] = False
    data["Folder"] = parent
    if operation == "MoveToDeletedItems":
        data["DestFolder"] = {
            "Id": folder_id(person.upn, "Deleted Items"),
            "Path": "\\Deleted Items",
        }
    return data


def admin_cmdlet(
    ids: IdSource,
    when: datetime,
    *,
    operation: str,
    user: str,
    ip: str,
    port: int,
    object_id: str,
    parameters: list[tuple[str, str]],
    token: Token | None,
    admin: bool,
) -> JsonObject:
    """An Exchange cmdlet record (RecordType 1): New-InboxRule, Set-Mailbox,
    Add-MailboxPermission ... ``ClientIP`` carries ``ip:port`` as in Purview exports."""
    data = _exchange_head(ids, when, operation, 1, user, token)
    data["ResultStatus"] = "True"
    data["UserType"] = 2 if admin else 0
    data.update(
        {
            "ClientIP": f"{ip}:{port}",
            "ObjectId": object_id,
            "UserId": user,
            "AppId": EXCHANGE,
            "ClientAppId": "",
            "ExternalAccess": False,
            "OrganizationName": TENANT_NAME,
            "OriginatingServer": "BN0PR09MB6811 (15.20.6455.028)",
            "Parameters": [{"Name": n, "Value": v} for n, v in parameters],
        }
    )
    if token is not None and token.session_id:
        data["SessionId"] = token.session_id
    return data


def update_inbox_rules(
    ids: IdSource,
    when: datetime,
    *,
    person: Person,
    ip: str,
    token: Token | None,
    rule: str,
    actions: str,
) -> JsonObject:
    """UpdateInboxRules (RecordType 2): a rule edited from the Outlook client."""
    data = _exchange_head(ids, when, "UpdateInboxRules", 2, person.upn, token)
    data.update(
        {
            "ClientIP": ip,
            "UserId": person.upn,
            "ClientIPAddress": ip,
            "ClientInfoString": "Client=MSExchangeRPC",
            "ClientProcessName": "OUTLOOK.EXE",
            "ClientVersion": "16.0.16327.20248",
            "ExternalAccess": False,
            "InternalLogonType": 0,
            "LogonType": 0,
            "LogonUserSid": user_sid(person.upn),
            "MailboxGuid": mailbox_guid(person.upn),
            "MailboxOwnerSid": user_sid(person.upn),
            "MailboxOwnerUPN": person.upn,
            "OperationProperties": [
                {"Name": "RuleOperation", "Value": "ModifyMailboxRule"},
                {"Name": "RuleName", "Value": rule},
                {"Name": "RuleState", "Value": "Enabled"},
                {"Name": "RuleActions", "Value": actions},
            ],
            "OrganizationName": TENANT_NAME,
            "OriginatingServer": "BN0PR09MB6811 (15.20.6455.028)\r\n",
        }
    )
    if token is not None and token.session_id:
        data["SessionId"] = token.session_id
    return data


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
