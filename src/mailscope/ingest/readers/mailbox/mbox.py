"""``.mbox`` files (one per mail folder: ``jane@x/Inbox.mbox``) → one ``messages`` row each.

Messages start at a ``From `` line at the top of the file or after a blank line (RFC 4155);
``>From `` body lines are unescaped once (mboxrd). The file is streamed: memory holds one
message at a time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from mailscope.ingest.base import Bad, Item, Source
from mailscope.ingest.readers.mailbox.location import Location, mailbox_file_location
from mailscope.ingest.readers.mailbox.message_row import MESSAGE_LIMIT, message_item
from mailscope.ingest.readers.mailbox.mime_fields import has_headers, mime_fields, parse_message
from mailscope.ingest.readers.mailbox.rfc822_sniff import known_header_count

NAME = "mailbox_mbox"
_ESCAPED_FROM = re.compile(rb"^>(>*From )")
_PREVIEW = 64 * 1024


class MboxReader:
    """Berkeley mailbox files, sniffed by a ``From `` line followed by message headers."""

    name = NAME

    def sniff(self, head: bytes, filename: str) -> bool:
        if not head.startswith(b"From "):
            return False
        return known_header_count(head.split(b"\n")[1:200]) >= 1

    def read(self, source: Source) -> Iterator[Item]:
        where = mailbox_file_location(source.parts)
        with source.open() as stream:
            for line, data, oversized in _split(stream):
                yield _message(line, data, oversized, where, source.display)


def _split(stream: Iterator[bytes]) -> Iterator[tuple[int, bytes, bool]]:
    """``(line of the From line, message bytes, oversized)`` per message, in file order."""
    start = 0
    lines: list[bytes] = []
    size = 0
    oversized = False
    previous_blank = True
    for number, raw in enumerate(stream, start=1):
        if previous_blank and raw.startswith(b"From "):
            if start or any(part.strip() for part in lines):
                yield start, b"".join(lines), oversized
            start, lines, size, oversized = number, [], 0, False
        else:
            if size + len(raw) > MESSAGE_LIMIT:
                oversized = True
            else:  # text before the first From line is kept too, and reported as bad
                lines.append(_ESCAPED_FROM.sub(rb"\1", raw) if start else raw)
                size += len(raw)
        previous_blank = not raw.strip()
    if start or any(part.strip() for part in lines):
        yield start, b"".join(lines), oversized


def _message(line: int, data: bytes, oversized: bool, where: Location, display: str) -> Item:
    preview = data[:_PREVIEW].decode("utf-8", "replace")
    if line == 0:
        return Bad(1, "text before the first 'From ' line", preview)
    if oversized:
        return Bad(line, f"message larger than {MESSAGE_LIMIT} bytes", preview)
    message = parse_message(data)
    if not has_headers(message):
        return Bad(line, "mbox entry without message headers", preview)
    return message_item(line, mime_fields(message, data), where, NAME, display)
