"""One ``.eml`` file per message, in a per-mailbox folder tree → one ``messages`` row."""

from __future__ import annotations

from collections.abc import Iterator

from mailscope.ingest.base import Bad, Item, Source
from mailscope.ingest.readers.mailbox.location import message_file_location
from mailscope.ingest.readers.mailbox.message_row import MESSAGE_LIMIT, message_item
from mailscope.ingest.readers.mailbox.mime_fields import has_headers, mime_fields, parse_message
from mailscope.ingest.readers.mailbox.rfc822_sniff import looks_like_message

NAME = "mailbox_eml"
_PREVIEW = 64 * 1024


class EmlReader:
    """RFC 5322 message files (``.eml``); sniffed by their header block."""

    name = NAME

    def sniff(self, head: bytes, filename: str) -> bool:
        return looks_like_message(head, filename, ".eml")

    def read(self, source: Source) -> Iterator[Item]:
        with source.open() as stream:
            data = stream.read(MESSAGE_LIMIT + 1)
        preview = data[:_PREVIEW].decode("utf-8", "replace")
        if len(data) > MESSAGE_LIMIT:
            yield Bad(1, f"message larger than {MESSAGE_LIMIT} bytes", preview)
            return
        message = parse_message(data)
        if not has_headers(message):
            yield Bad(1, "no message headers: not an RFC 5322 message", preview)
            return
        where = message_file_location(source.parts)
        yield message_item(1, mime_fields(message, data), where, NAME, source.display)
