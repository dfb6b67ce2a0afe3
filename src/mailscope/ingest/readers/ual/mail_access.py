"""``mail_access`` rows of a MailItemsAccessed record: one per Bind item, one per Sync folder.

MailItemsAccessed (RecordType 50) records list ``Folders[].FolderItems[]`` for Bind access
(``InternetMessageId``, ``SizeInBytes``; aggregated per 2-minute window, ``OperationCount``
items) and ``Folders[].Path`` alone for Sync access (the whole folder was downloaded).
``OperationProperties`` carries ``MailAccessType`` and ``IsThrottled``. Source: Microsoft
Purview docs, "Use MailItemsAccessed to investigate compromised accounts".
"""

from __future__ import annotations

from collections.abc import Mapping

from mailscope.ingest.normalise import normalise_folder_path, normalise_message_id, to_int
from mailscope.ingest.readers.ual.columns import MAIL_COLUMNS, Record, column_value
from mailscope.ingest.readers.ual.properties import as_list, as_object
from mailscope.model.row import Row, RowValues

MAIL_ITEMS_ACCESSED = 50
# Columns a child row copies from its event, so mail_access can be queried on its own.
EVENT_COLUMNS = (
    "time",
    "mailbox_upn",
    "mailbox_guid",
    "user_id",
    "logon_type",
    "client_ip",
    "app_id",
    "client_app_id",
    "session_id",
    "aad_session_id",
    "unique_token_id",
    "token_issued_at",
    "client_info",
    "user_agent",
)


def mail_access_rows(record: Record, event: RowValues) -> list[Row]:
    """Flatten the folders (and their items) of one MailItemsAccessed record into rows."""
    shared: RowValues = {name: event[name] for name in EVENT_COLUMNS}
    shared["event_key"] = event["record_key"]
    shared["event_id"] = event["id"]
    for column in MAIL_COLUMNS:
        shared[column.name] = column_value(record, column)
    access_type = shared["access_type"]
    sync = isinstance(access_type, str) and access_type.lower() == "sync"
    rows: list[Row] = []
    for folder in _folders(record.data):
        path = normalise_folder_path(folder.get("Path"))
        if sync:
            rows.append(_row(shared, len(rows), path, None, None))
            continue
        for item in as_list(folder.get("FolderItems")):
            entry = as_object(item)
            if entry is None:
                continue
            message_id = normalise_message_id(entry.get("InternetMessageId"))
            size = to_int(entry.get("SizeInBytes"))
            rows.append(_row(shared, len(rows), path, message_id, size))
    return rows


def _folders(data: Mapping[str, object]) -> list[dict[str, object]]:
    folders = [f for f in (as_object(v) for v in as_list(data.get("Folders"))) if f is not None]
    if folders:
        return folders
    # Single-item records name the item and its folder under Item / Item.ParentFolder.
    item = as_object(data.get("Item"))
    if not item:
        return []
    folder = dict(as_object(item.get("ParentFolder")) or {})
    if item.get("InternetMessageId"):
        folder["FolderItems"] = [item]
    return [folder]


def _row(
    shared: RowValues, index: int, path: str | None, message_id: str | None, size: int | None
) -> Row:
    values = dict(shared)
    values["record_key"] = f"{shared['event_key']}#{index}"
    values["folder_path"] = path
    values["message_id"] = message_id
    values["size_bytes"] = size
    return Row("mail_access", values)
