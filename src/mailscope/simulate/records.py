"""Builders for Exchange unified-audit-log records in the key order Exchange emits (copied
from the Purview and Management Activity API samples in ../shared/samples/ual).

Three traits of real records matter to every consumer (Management Activity API schema,
"Exchange Mailbox schema" and "AppAccessContext"; DESIGN.md, "Join keys across logs"):
the top-level ``SessionId`` is Exchange's own and new on every record, never an Entra
session (that is ``AppAccessContext.AADSessionId``); ``AppId`` is usually the resource the
client called (Exchange, Graph) while ``ClientAppId`` names the client; and app-only
tokens carry no ``AADSessionId``.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime

from mailscope.simulate.evidence import JsonObject, Token
from mailscope.simulate.folders import audit_path
from mailscope.simulate.ids import IdSource, iso
from mailscope.simulate.org import TENANT_NAME, Person

# First-party application ids (Microsoft Entra "first-party apps" list; DESIGN.md).
EXCHANGE = "00000002-0000-0ff1-ce00-000000000000"
GRAPH = "00000003-0000-0000-c000-000000000000"
OUTLOOK_DESKTOP = "d3590ed6-52b3-4102-aeff-aad2292ab01c"
OUTLOOK_MOBILE = "27922004-5251-4030-b22d-91ecd9a37ea4"
OWA = "9199bf20-a13f-4107-85dc-02114787ef48"
# The Exchange Online PowerShell module (Connect-ExchangeOnline) signs in as this public
# client, and its cmdlet records carry it as AppId (det-eng-samples Add-MailboxPermission).
EXO_POWERSHELL = "fb78d390-0c51-40cd-8e17-fdbfab77341b"
# Apple's native Mail app on iOS signs in to Exchange ActiveSync as "iOS Accounts".
APPLE_ACCOUNTS = "f8d98a96-0999-43f5-8af3-69971c7bb423"
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
    ids: IdSource,
    when: datetime,
    operation: str,
    record_type: int,
    user: str,
    token: Token | None,
    *,
    cmdlet: bool = False,
) -> JsonObject:
    """The common head: ``AppAccessContext`` when a token is known (cmdlet records carry
    only its issue time and id, as in the Purview sample's New-InboxRule), then the
    common-schema fields."""
    head: JsonObject = {}
    if token is not None:
        context: JsonObject = {"IssuedAtTime": iso(token.issued), "UniqueTokenId": token.token_id}
        if not cmdlet:
            if token.session_id:
                context = {"AADSessionId": token.session_id, **context}
            context = {**context, "ClientAppId": token.client_app_id}
            context = dict(sorted(context.items()))
        head["AppAccessContext"] = context
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


_ORG: dict[str, str] = {"id": "", "name": TENANT_NAME}


def set_organization_id(tenant_id: str, name: str = TENANT_NAME) -> None:
    """Set the ``OrganizationId`` (the tenant id) and ``OrganizationName`` every record
    carries."""
    _ORG["id"] = tenant_id
    _ORG["name"] = name


def organization_name() -> str:
    """The tenant's ``*.onmicrosoft.com`` name the records carry."""
    return _ORG["name"]


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
    resource: str | None = EXCHANGE,
    user_type: int = 0,
) -> JsonObject:
    """A MailItemsAccessed record (RecordType 50). Bind lists the items read per folder
    and ``OperationCount``; Sync names whole folders without items (Purview docs,
    "Use MailItemsAccessed to investigate compromised accounts"). ``app_id`` is the client
    (``ClientAppId``); ``AppId`` is ``resource``, or the client itself when None (as
    Outlook mobile's records show); app-only reads are ``user_type`` 5 (Application)."""
    data = _exchange_head(ids, when, "MailItemsAccessed", 50, user, token)
    data["UserType"] = user_type
    data.update(
        {
            "UserId": user,
            "AppId": resource or app_id,
            "ClientAppId": app_id,
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
            "OrganizationName": _ORG["name"],
            "OriginatingServer": "BN0PR09MB6811 (15.20.6455.028)\r\n",
        }
    )
    data["SessionId"] = ids.guid()
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
    app_id: str,
    token: Token | None,
    folder: str,
    item: Item,
    subject: str,
    deleted_folder: str = "Deleted Items",
) -> JsonObject:
    """Send (RecordType 2) or SoftDelete/HardDelete/MoveToDeletedItems (RecordType 3) by
    client ``app_id`` through Exchange."""
    record_type = 2 if operation == "Send" else 3
    data = _exchange_head(ids, when, operation, record_type, person.upn, token)
    data.update(
        {
            "ClientIP": ip,
            "UserId": person.upn,
            "AppId": EXCHANGE,
            "ClientAppId": app_id,
            "ClientIPAddress": ip,
            "ClientInfoString": client_info,
            "ExternalAccess": False,
            "InternalLogonType": 0,
            "LogonType": 0,
            "LogonUserSid": user_sid(person.upn),
            "MailboxGuid": mailbox_guid(person.upn),
            "MailboxOwnerSid": user_sid(person.upn),
            "MailboxOwnerUPN": person.upn,
            "OrganizationName": _ORG["name"],
            "OriginatingServer": "BN0PR09MB6811 (15.20.6455.028)\r\n",
        }
    )
    data["SessionId"] = ids.guid()
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
            "Id": folder_id(person.upn, deleted_folder),
            "Path": audit_path(deleted_folder),
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
    app_id: str = EXCHANGE,
) -> JsonObject:
    """An Exchange cmdlet record (RecordType 1): New-InboxRule, Set-Mailbox,
    Add-MailboxPermission ... ``ClientIP`` carries ``ip:port`` as in Purview exports
    (``[v6]:port`` for IPv6); ``AppId`` is the Exchange resource for cmdlets run behind
    Outlook and OWA, the PowerShell module's id for Exchange Online PowerShell."""
    data = _exchange_head(ids, when, operation, 1, user, token, cmdlet=True)
    data["ResultStatus"] = "True"
    data["UserType"] = 2 if admin else 0
    data.update(
        {
            "ClientIP": f"[{ip}]:{port}" if ":" in ip else f"{ip}:{port}",
            "ObjectId": object_id,
            "UserId": user,
            "AppId": app_id,
            "ClientAppId": "",
            "ExternalAccess": False,
            "OrganizationName": _ORG["name"],
            "OriginatingServer": "BN0PR09MB6811 (15.20.6455.028)",
            "Parameters": [{"Name": n, "Value": v} for n, v in parameters],
            "SessionId": ids.guid(),
        }
    )
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
            "OrganizationName": _ORG["name"],
            "OriginatingServer": "BN0PR09MB6811 (15.20.6455.028)\r\n",
            "SessionId": ids.guid(),
        }
    )
    return data
