"""Does a file start like an Internet message (a block of ``Name: value`` header lines)?"""

from __future__ import annotations

import re

_FIELD = re.compile(rb"^([A-Za-z0-9-]+):[ \t]")
_CONTINUATION = re.compile(rb"^[ \t]")
# Headers that real messages carry near the top (RFC 5322, RFC 2045, RFC 5321 trace fields).
_KNOWN = frozenset(
    {
        b"from", b"to", b"cc", b"subject", b"date", b"message-id", b"received",
        b"return-path", b"mime-version", b"content-type", b"reply-to", b"sender",
        b"delivered-to", b"x-mailer", b"thread-topic", b"thread-index", b"in-reply-to",
        b"references", b"authentication-results", b"dkim-signature",
        b"x-ms-exchange-organization-network-message-id",
    }
)  # fmt: skip


def known_header_count(lines: list[bytes]) -> int:
    """How many well-known header fields the leading header block holds (0 if none).

    The block must start on the first line; it ends at the first blank line.
    """
    count = 0
    for index, line in enumerate(lines):
        line = line.rstrip(b"\r")
        if not line:
            break
        if index > 0 and _CONTINUATION.match(line):
            continue
        match = _FIELD.match(line)
        if match is None:
            return count if index > 0 else 0
        if match.group(1).lower() in _KNOWN:
            count += 1
    return count


def looks_like_message(head: bytes, filename: str, extension: str) -> bool:
    """Two well-known headers, or one when the file name ends with ``extension``."""
    lines = head.removeprefix(b"\xef\xbb\xbf").split(b"\n")
    needed = 1 if filename.lower().endswith(extension) else 2
    return known_header_count(lines[:200]) >= needed
