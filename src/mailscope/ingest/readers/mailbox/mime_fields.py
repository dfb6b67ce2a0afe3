"""Fields of an RFC 5322 message (``.eml``, one ``.mbox`` entry, PST transport headers).

Parsed with the stdlib ``email`` package under ``policy.compat32``, decoding only the
headers mailscope stores (RFC 2047 words via ``decode_header``): the modern policy parses
every header into objects and was most of the cost of reading a mailbox export. Evidence
headers are often malformed: every header access falls back to the raw text, and nothing
here raises on a bad header, charset or part.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from email import policy
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime

from mailscope.ingest.normalise import normalise_message_id, parse_time, text
from mailscope.ingest.readers.mailbox.html_text import html_to_text
from mailscope.ingest.readers.mailbox.message_row import BODY_LIMIT, MessageFields

_MESSAGE_ID = re.compile(r"<([^<>\s]+)>")
_RECIPIENT_HEADERS = ("To", "Cc", "Bcc")
# The common form of an address list entry, which getaddresses reads in ~25 µs: a plain
# dot-atom address, alone or in angle brackets after a display name of words (no quotes,
# comments, dots, groups or escapes). Anything else is left to getaddresses.
_DOT_ATOM_ADDRESS = r"[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
_SIMPLE_ENTRY = re.compile(
    rf"[ \t]*(?:[A-Za-z0-9'_-]+(?: [A-Za-z0-9'_-]+)* ?<(?P<bracketed>{_DOT_ATOM_ADDRESS})>"
    rf"|(?P<bare>{_DOT_ATOM_ADDRESS}))[ \t]*"
)


def parse_message(data: bytes) -> Message:
    """The message object of raw message bytes (never raises on malformed input)."""
    return BytesParser(policy=policy.compat32).parsebytes(data)


def has_headers(message: Message) -> bool:
    """False when the bytes had no header block at all (not a mail message)."""
    return bool(message.keys())


def mime_fields(message: Message, data: bytes) -> MessageFields:
    """Normalised fields of a parsed message whose raw bytes are ``data``."""
    return MessageFields(
        message_id=header_message_id(message),
        date=header_date(message),
        sender=first_address(header_text(message, "From")),
        recipients=_address_list(message, _RECIPIENT_HEADERS),
        subject=header_text(message, "Subject"),
        size_bytes=len(data),
        attachment_names=attachment_names(message),
        body_text=body_text(message),
        content_hash=hashlib.sha256(data).hexdigest(),
    )


def header_text(message: Message, name: str) -> str | None:
    """A header's decoded text (RFC 2047 words decoded); the raw value if decoding fails."""
    value = message.get(name)
    if value is None:
        return None
    return text(decode_words(str(value)))


def decode_words(raw: str) -> str:
    """RFC 2047 encoded words decoded, folding whitespace collapsed; raw text on failure."""
    unfolded = " ".join(raw.split())
    if "=?" not in unfolded:
        return unfolded
    try:
        return str(make_header(decode_header(unfolded)))
    except Exception:  # malformed encoded words or unknown charsets: keep the raw text
        return unfolded


def header_message_id(message: Message) -> str | None:
    """The canonical ``<local@domain>`` Message-ID (the audit log's InternetMessageId)."""
    raw = header_text(message, "Message-ID")
    if raw is None:
        return None
    match = _MESSAGE_ID.search(raw)
    return normalise_message_id(match.group(1) if match else raw.split()[0])


def header_date(message: Message) -> datetime | None:
    """The Date header as naive UTC, or None when absent or unparseable."""
    raw = header_text(message, "Date")
    if raw is None:
        return None
    try:
        return parse_time(parsedate_to_datetime(raw))
    except (TypeError, ValueError, IndexError, OverflowError):
        return parse_time(raw)


def first_address(value: str | None) -> str | None:
    """The first address of a From-style value (``Name <a@x>`` → ``a@x``)."""
    if value is None:
        return None
    found = addresses_of([value])
    return found[0] if found else value


def _address_list(message: Message, names: tuple[str, ...]) -> str | None:
    return joined_addresses([header_text(message, name) for name in names])


def joined_addresses(values: list[str | None]) -> str | None:
    """Distinct addresses of several header values, ``; ``-joined in first-seen order."""
    found = list(dict.fromkeys(addresses_of([v for v in values if v is not None])))
    return "; ".join(found) if found else None


def addresses_of(values: list[str]) -> list[str]:
    """Lower-cased addresses in header values; unparseable entries are kept as written."""
    simple = _simple_addresses(values)
    if simple is not None:
        return simple
    try:
        pairs = getaddresses(values)
    except Exception:  # getaddresses can raise on hostile input in some Python versions
        return [value.strip() for value in values if value.strip()]
    return [address.lower() if "@" in address else address for _, address in pairs if address]


def _simple_addresses(values: list[str]) -> list[str] | None:
    """``addresses_of`` for values made only of common entries, or None (getaddresses'
    business)."""
    found: list[str] = []
    for value in values:
        for entry in value.split(","):
            match = _SIMPLE_ENTRY.fullmatch(entry)
            if match is None:
                return None
            found.append((match["bracketed"] or match["bare"]).lower())
    return found


def attachment_names(message: Message) -> str | None:
    """``; ``-joined file names of the attachments, in message order."""
    names: list[str] = []
    for part in message.walk():
        try:
            name = part.get_filename()
            disposition = part.get_content_disposition()
        except Exception:  # malformed Content-Disposition parameters
            continue
        if name and (disposition == "attachment" or part.get_content_maintype() != "text"):
            names.append(decode_words(str(name)).strip())
    return "; ".join(names) if names else None


def body_text(message: Message) -> str | None:
    """Text of the text/plain parts, or of the text/html parts converted to text."""
    plain: list[str] = []
    html: list[str] = []
    for part in message.walk():
        if part.is_multipart() or _is_attachment(part):
            continue
        kind = part.get_content_type()
        if kind == "text/plain":
            plain.append(_decoded(part))
        elif kind == "text/html":
            html.append(_decoded(part))
    if plain:
        joined = "\n".join(plain)[:BODY_LIMIT]
    elif html:
        joined = html_to_text("\n".join(html)[: 4 * BODY_LIMIT], BODY_LIMIT)
    else:
        return None
    return joined.strip() or None


def _is_attachment(part: Message) -> bool:
    try:
        return part.get_content_disposition() == "attachment"
    except Exception:  # malformed header: treat the part as body text
        return False


def _decoded(part: Message) -> str:
    """The text of a part in its declared charset; unknown charsets fall back to UTF-8."""
    try:
        payload = part.get_payload(decode=True)
    except Exception:  # broken transfer encoding
        payload = None
    if not isinstance(payload, bytes):
        raw = part.get_payload()
        return raw if isinstance(raw, str) else ""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:
        return payload.decode("utf-8", errors="replace")
