"""A rule test's rows written back as the raw exports they stand for.

Each table's rows become records in the shape a responder actually exports, with the field
names of Microsoft's documentation and of the real samples in ``../shared/samples`` — not
those of mailscope's readers, so a reader change that loses a field a rule needs fails
the rule's raw test:

- ``audit_events`` and ``mail_access``: Office 365 Management Activity API AuditData, one
  JSON object per line; mail_access rows sharing an ``event_key`` are one MailItemsAccessed
  record (its ``Folders``/``FolderItems``), a Sync one folder without items;
- ``signins``: Graph ``auditLogs/signIns`` (beta, ``{"value": [...]}``);
- ``directory_audits``: Graph ``auditLogs/directoryAudits``;
- ``graph_activity``: Sentinel ``MicrosoftGraphActivityLogs`` rows (no user principal name:
  the table has only the user's object id);
- ``mail_rules``: ``Get-InboxRule | ConvertTo-Json``.

A column with no counterpart in the export (``record_key``, ``raw``) is not written; a
``raw`` value (the JSON a test gives for a record) is the record's own fields.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from mailscope.detect.rule import Rows

Record = dict[str, Any]

# RecordType of the Management Activity API (AuditLogRecordType) by workload.
_RECORD_TYPES = {"Exchange": 1, "AzureActiveDirectory": 15, "SharePoint": 6, "OneDrive": 6}
_EVENT_TYPES = {
    "interactive": "interactiveUser",
    "noninteractive": "nonInteractiveUser",
    "service_principal": "servicePrincipal",
    "managed_identity": "managedIdentity",
}


def _time(value: object) -> str | None:
    if value is None:
        return None
    assert isinstance(value, datetime)
    return value.strftime("%Y-%m-%dT%H:%M:%S")


def _graph_time(value: object) -> str | None:
    text = _time(value)
    return None if text is None else text + "Z"


def _id(row: dict[str, object], name: str) -> str:
    """The row's id, or a stable GUID from its record key (exports always carry one)."""
    value = row.get(name)
    if value:
        return str(value)
    return str(uuid.uuid5(uuid.NAMESPACE_URL, str(row.get("record_key"))))


def _dropped_nulls(record: Record) -> Record:
    return {key: value for key, value in record.items() if value is not None}


def _with_raw(record: Record, row: dict[str, object]) -> Record:
    raw = row.get("raw")
    if raw:
        record.update(orjson.loads(str(raw)))
    return record


def _audit_record(row: dict[str, object]) -> Record:
    workload = str(row.get("workload") or "Exchange")
    parameters = orjson.loads(str(row.get("parameters") or "{}"))
    record: Record = {
        "CreationTime": _time(row.get("time")),
        "Id": _id(row, "id"),
        "Operation": row.get("operation"),
        "RecordType": _RECORD_TYPES.get(workload, 1),
        "Workload": workload,
        "UserId": row.get("user_id"),
        "ClientIP": row.get("client_ip"),
        "ResultStatus": row.get("result"),
        "ObjectId": row.get("object_id"),
        "MailboxOwnerUPN": row.get("mailbox_upn"),
        "Parameters": [{"Name": k, "Value": v} for k, v in parameters.items()] or None,
    }
    return _with_raw(_dropped_nulls(record), row)


def _mail_access_records(rows: list[dict[str, object]]) -> list[Record]:
    """One MailItemsAccessed record per ``event_key``: its folders and the messages in them."""
    events: dict[object, list[dict[str, object]]] = {}
    for row in rows:
        events.setdefault(row.get("event_key") or row.get("record_key"), []).append(row)
    return [_mail_access_record(group) for group in events.values()]


def _mail_access_record(group: list[dict[str, object]]) -> Record:
    first = group[0]
    folders: dict[str, list[dict[str, object]]] = {}
    for row in group:
        path = "\\" + str(row.get("folder_path") or "Inbox").replace("/", "\\")
        items = folders.setdefault(path, [])
        if row.get("message_id"):
            items.append({"InternetMessageId": row["message_id"]})
    context = _dropped_nulls(
        {
            "AADSessionId": first.get("aad_session_id"),
            "IssuedAtTime": _time(first.get("token_issued_at")),
            "UniqueTokenId": first.get("unique_token_id"),
        }
    )
    record: Record = {
        "CreationTime": _time(first.get("time")),
        "Id": _id(first, "event_key"),
        "Operation": "MailItemsAccessed",
        "RecordType": 50,
        "ResultStatus": "Succeeded",
        "Workload": "Exchange",
        "UserId": first.get("user_id"),
        "UserType": 0,
        "ClientIPAddress": first.get("client_ip"),
        "AppId": first.get("app_id"),
        "ClientAppId": first.get("app_id"),
        "ClientInfoString": first.get("client_info"),
        "LogonType": first.get("logon_type"),
        "MailboxOwnerUPN": first.get("mailbox_upn"),
        "SessionId": first.get("session_id"),
        "OperationCount": first.get("operation_count") or len(group),
        "OperationProperties": [
            {"Name": "MailAccessType", "Value": str(first.get("access_type") or "Bind")},
            {"Name": "IsThrottled", "Value": "True" if first.get("is_throttled") else "False"},
        ],
        "Folders": [
            {"Path": path, **({"FolderItems": items} if items else {})}
            for path, items in folders.items()
        ],
        "AppAccessContext": context or None,
    }
    return _dropped_nulls(record)


def _signin(row: dict[str, object]) -> Record:
    kind = str(row.get("kind") or "interactive")
    code = row.get("status_code")
    if code is None:
        code = 0 if row.get("success", True) else 50126
    record: Record = {
        "id": _id(row, "id"),
        "createdDateTime": _graph_time(row.get("time")),
        "userPrincipalName": row.get("upn") or "",
        "userId": row.get("user_id") or "",
        "appId": row.get("app_id"),
        "ipAddress": row.get("ip"),
        "sessionId": row.get("session_id"),
        "uniqueTokenIdentifier": row.get("unique_token_id"),
        "userAgent": row.get("user_agent") or "",
        "isInteractive": kind == "interactive",
        "signInEventTypes": [_EVENT_TYPES[kind]],
        "status": {"errorCode": code, "failureReason": "" if code == 0 else "Failed"},
    }
    if kind in ("service_principal", "managed_identity"):
        record["servicePrincipalId"] = _id(row, "service_principal_id")
        record["servicePrincipalName"] = "app"
    return _dropped_nulls(record)


def _directory_audit(row: dict[str, object]) -> Record:
    ids = [part.strip() for part in str(row.get("target_ids") or "").split(";") if part.strip()]
    names = [p.strip() for p in str(row.get("target_names") or "").split(";") if p.strip()]
    changes = orjson.loads(str(row.get("modified_properties") or "[]"))
    targets = [
        {"id": target_id, "displayName": names[i] if i < len(names) else None}
        for i, target_id in enumerate(ids or ([""] if names or changes else []))
    ]
    if targets:
        targets[0]["modifiedProperties"] = [
            {"displayName": c.get("name"), "oldValue": c.get("old"), "newValue": c.get("new")}
            for c in changes
        ]
    return {
        "id": _id(row, "id"),
        "activityDateTime": _graph_time(row.get("time")),
        "category": row.get("category"),
        "activityDisplayName": row.get("activity"),
        "result": row.get("result"),
        "loggedByService": "Core Directory",
        "initiatedBy": {"user": {"userPrincipalName": row.get("initiated_by_upn")}, "app": None},
        "targetResources": targets,
    }


def _graph_activity(row: dict[str, object]) -> Record:
    return _dropped_nulls(
        {
            "TimeGenerated": _graph_time(row.get("time")),
            "RequestId": _id(row, "request_id"),
            "RequestMethod": row.get("method"),
            "ResponseStatusCode": row.get("response_status"),
            "IPAddress": row.get("ip"),
            "UserAgent": row.get("user_agent") or "",
            "RequestUri": row.get("request_uri"),
            "SignInActivityId": row.get("sign_in_activity_id"),
            "TokenIssuedAt": _graph_time(row.get("token_issued_at")),
            "AppId": row.get("app_id"),
            "UserId": row.get("user_id") or "",
            "SessionId": row.get("session_id"),
            "Type": "MicrosoftGraphActivityLogs",
        }
    )


def _inbox_rule(row: dict[str, object], number: int) -> Record:
    def addresses(name: str) -> list[str] | None:
        value = row.get(name)
        return [part.strip() for part in str(value).split(";")] if value else None

    owner = row.get("mailbox_upn")
    return {
        "Name": row.get("name"),
        "Enabled": bool(row.get("enabled", True)),
        "Identity": f"{owner}\\{number}",
        "MailboxOwnerId": owner,
        "ForwardTo": addresses("forward_to"),
        "ForwardAsAttachmentTo": addresses("forward_as_attachment_to"),
        "RedirectTo": addresses("redirect_to"),
        "MoveToFolder": row.get("move_to_folder"),
        "DeleteMessage": bool(row.get("delete_message")),
    }


def _json_lines(records: Iterable[Record]) -> bytes:
    return b"".join(orjson.dumps(record) + b"\n" for record in records)


def _graph_page(records: Iterable[Record]) -> bytes:
    return orjson.dumps({"value": list(records)}, option=orjson.OPT_INDENT_2)


def _array(records: Iterable[Record]) -> bytes:
    return orjson.dumps(list(records), option=orjson.OPT_INDENT_2)


# table -> (file name, rows -> records, records -> bytes)
_EXPORTS: dict[
    str,
    tuple[str, Callable[[list[dict[str, object]]], list[Record]], Callable[[list[Record]], bytes]],
] = {
    "audit_events": ("ual-audit.jsonl", lambda rows: [_audit_record(r) for r in rows], _json_lines),
    "mail_access": ("ual-mailitemsaccessed.jsonl", _mail_access_records, _json_lines),
    "signins": ("signins.json", lambda rows: [_signin(r) for r in rows], _graph_page),
    "directory_audits": (
        "directory-audits.json",
        lambda rows: [_directory_audit(r) for r in rows],
        _graph_page,
    ),
    "graph_activity": (
        "graph-activity.json",
        lambda rows: [_graph_activity(r) for r in rows],
        _array,
    ),
    "mail_rules": (
        "inbox-rules.json",
        lambda rows: [_inbox_rule(r, n) for n, r in enumerate(rows, start=1)],
        _array,
    ),
}

EXPORTED_TABLES = frozenset(_EXPORTS)


def write_exports(rows: Rows, folder: Path) -> list[Path]:
    """Write every table of ``rows`` as its export under ``folder``; the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for table, records in rows.items():
        if not records:
            continue
        name, render, encode = _EXPORTS[table]
        path = folder / name
        path.write_bytes(encode(render(list(records))))
        written.append(path)
    return written
