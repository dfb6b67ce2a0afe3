"""Outlook ``.msg`` files (OLE compound files, [MS-OXMSG]) → one ``messages`` row each.

Read with ``extract-msg`` from memory (the evidence file is only read). Its tolerant mode
is used: evidence .msg files often lack named-property streams or carry broken RTF.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from datetime import datetime
from email.message import Message

import extract_msg
from extract_msg.enums import ErrorBehavior

from mailscope.ingest.base import Bad, Item, Source
from mailscope.ingest.normalise import normalise_message_id, parse_time, text
from mailscope.ingest.readers.mailbox.html_text import html_to_text
from mailscope.ingest.readers.mailbox.location import message_file_location
from mailscope.ingest.readers.mailbox.message_row import (
    BODY_LIMIT,
    MESSAGE_LIMIT,
    MessageFields,
    message_item,
)
from mailscope.ingest.readers.mailbox.mime_fields import (
    first_address,
    header_date,
    joined_addresses,
)

NAME = "mailbox_msg"
OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
# Stream names of MAPI properties ("__substg1.0_…", UTF-16LE in the OLE directory).
_SUBSTG = "__substg1.0_".encode("utf-16-le")


class MsgReader:
    """Outlook message files: OLE magic plus MAPI property streams (or a ``.msg`` name)."""

    name = NAME

    def sniff(self, head: bytes, filename: str) -> bool:
        if not head.startswith(OLE_MAGIC):
            return False
        return _SUBSTG in head or filename.lower().endswith(".msg")

    def read(self, source: Source) -> Iterator[Item]:
        with source.open() as stream:
            data = stream.read(MESSAGE_LIMIT + 1)
        if len(data) > MESSAGE_LIMIT:
            yield Bad(1, f"message larger than {MESSAGE_LIMIT} bytes", "")
            return
        try:
            fields = msg_fields(data)
        except Exception as error:  # extract-msg raises many kinds on corrupt files
            yield Bad(1, f"unreadable Outlook message: {error!r}", "")
            return
        where = message_file_location(source.parts)
        yield message_item(1, fields, where, NAME, source.display)


def msg_fields(data: bytes) -> MessageFields:
    """Normalised fields of the Outlook message in ``data``."""
    message = extract_msg.openMsg(
        io.BytesIO(data), errorBehavior=ErrorBehavior.SUPPRESS_ALL, strict=True
    )
    try:
        return MessageFields(
            message_id=normalise_message_id(_attribute(message, "messageId")),
            date=_date(message),
            sender=first_address(_attribute(message, "sender")),
            recipients=joined_addresses(
                [_attribute(message, name) for name in ("to", "cc", "bcc")]
            ),
            subject=_attribute(message, "subject"),
            size_bytes=len(data),
            attachment_names=_attachment_names(message),
            body_text=_body(message),
            content_hash=hashlib.sha256(data).hexdigest(),
        )
    finally:
        message.close()


def _attribute(message: object, name: str) -> str | None:
    """A string property; None when absent or when reading it fails."""
    try:
        return text(getattr(message, name, None))
    except Exception:  # a damaged property stream must not lose the other fields
        return None


def _date(message: object) -> datetime | None:
    try:
        moment = parse_time(getattr(message, "date", None))
        header = getattr(message, "header", None)
        if moment is None and isinstance(header, Message):
            return header_date(header)
        return moment
    except Exception:  # damaged date property or header
        return None


def _attachment_names(message: object) -> str | None:
    try:
        attachments = list(getattr(message, "attachments", []) or [])
    except Exception:  # broken attachment storage
        return None
    names = [
        text(getattr(a, "longFilename", None) or getattr(a, "shortFilename", None))
        for a in attachments
    ]
    found = [name for name in names if name]
    return "; ".join(found) if found else None


def _body(message: object) -> str | None:
    body = _attribute(message, "body")
    if body:
        return body[:BODY_LIMIT]
    try:
        html = getattr(message, "htmlBody", None)
    except Exception:  # broken RTF/HTML streams
        return None
    if isinstance(html, bytes):
        return html_to_text(html.decode("utf-8", "replace")[: 4 * BODY_LIMIT], BODY_LIMIT) or None
    return None
