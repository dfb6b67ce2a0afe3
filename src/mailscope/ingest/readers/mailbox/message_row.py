"""The fields every mailbox reader extracts from one message, and its ``messages`` row.

``record_key`` = mailbox + folder + InternetMessageId, so the same message filed in two
folders is two rows, while the same file ingested twice (or from two overlapping exports)
is one. Messages without a Message-ID are keyed on their content hash instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from mailscope.ingest.base import Parsed
from mailscope.ingest.normalise import content_key
from mailscope.ingest.readers.mailbox.location import Location
from mailscope.model.evidence_tables import MessagesRow
from mailscope.model.row import Row

# Body text kept per message for sensitive-data scanning; longer bodies are truncated.
BODY_LIMIT = 2 * 1024 * 1024
# Largest single message a reader loads (Exchange Online's own cap is 150 MB).
MESSAGE_LIMIT = 200 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class MessageFields:
    """One message, normalised: ids canonical, addresses lower-case, date naive UTC."""

    message_id: str | None
    date: datetime | None
    sender: str | None
    recipients: str | None
    subject: str | None
    size_bytes: int | None
    attachment_names: str | None
    body_text: str | None
    content_hash: str  # identifies the message when it has no Message-ID


def message_item(
    line: int, fields: MessageFields, where: Location, source_format: str, source_path: str
) -> Parsed:
    """The ``messages`` row of one message found at ``where``."""
    identity = fields.message_id or f"sha:{fields.content_hash}"
    values: MessagesRow = {
        "record_key": content_key("message", where.mailbox, where.folder, identity),
        "mailbox_upn": where.mailbox,
        "folder_path": where.folder,
        "message_id": fields.message_id,
        "date": fields.date,
        "sender": fields.sender,
        "recipients": fields.recipients,
        "subject": fields.subject,
        "size_bytes": fields.size_bytes,
        "attachment_names": fields.attachment_names,
        "body_text": fields.body_text,
        "source_format": source_format,
        "source_path": source_path,
    }
    return Parsed(line, (Row("messages", values),))
