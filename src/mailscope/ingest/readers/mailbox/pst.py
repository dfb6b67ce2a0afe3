"""Outlook PST files (eDiscovery mailbox exports, [MS-PST]) → one ``messages`` row per message.

Read with libpff (``pypff``) straight from the read-only evidence stream. The owner comes
from the file name (``jane.doe@x.example.pst``) or a parent folder named after the UPN;
folder paths drop the PST's own top container (``Top of Personal Folders`` …).
A damaged folder or message is quarantined and the walk goes on.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import datetime
from email import policy
from email.parser import HeaderParser
from typing import Any

from mailscope.ingest.base import Bad, Item, Source
from mailscope.ingest.normalise import normalise_folder_path, parse_time, text
from mailscope.ingest.readers.mailbox.html_text import html_to_text
from mailscope.ingest.readers.mailbox.location import Location, owner_file_location
from mailscope.ingest.readers.mailbox.message_row import BODY_LIMIT, MessageFields, message_item
from mailscope.ingest.readers.mailbox.mime_fields import (
    first_address,
    header_date,
    header_message_id,
    header_text,
    joined_addresses,
)

NAME = "mailbox_pst"
PST_MAGIC = b"!BDN"  # [MS-PST] 2.2.2.6 HEADER dwMagic
# Containers PST writers put above the mail folders (Outlook, eDiscovery, Exchange OST).
_TOP_CONTAINERS = frozenset(
    {"top of personal folders", "top of outlook data file", "top of information store"}
)
_PR_MESSAGE_SIZE = 0x0E08  # PidTagMessageSize, [MS-OXPROPS]


class PstReader:
    """Personal Folders files, sniffed by the ``!BDN`` magic."""

    name = NAME

    def sniff(self, head: bytes, filename: str) -> bool:
        return head.startswith(PST_MAGIC)

    def read(self, source: Source) -> Iterator[Item]:
        try:
            import pypff  # optional extra: pip install 'mailscope[pst]'
        except ImportError:
            yield Bad(1, "PST support is not installed: pip install 'mailscope[pst]'", "")
            return
        owner = owner_file_location(source.parts).mailbox
        with source.open() as stream:
            pff = pypff.file()
            try:
                pff.open_file_object(stream)
                root = pff.get_root_folder()
            except Exception as error:  # libpff raises IOError/OSError on any corruption
                yield Bad(1, f"unreadable PST file: {error}", "")
                return
            try:
                yield from _walk(root, [], owner, source.display, [0])
            finally:
                pff.close()


def _walk(
    folder: Any, path: list[str], owner: str | None, display: str, counter: list[int]
) -> Iterator[Item]:
    """Messages of ``folder`` then of its subfolders, depth first, in PST order."""
    where = Location(owner, normalise_folder_path("/".join(path)))
    try:
        count = folder.get_number_of_sub_messages()
    except Exception as error:  # damaged folder table
        counter[0] += 1
        yield Bad(counter[0], f"unreadable PST folder {'/'.join(path)!r}: {error}", "")
        count = 0
    for index in range(count):
        counter[0] += 1
        try:
            fields = pst_fields(folder.get_sub_message(index))
        except Exception as error:  # one damaged message must not stop the walk
            yield Bad(counter[0], f"unreadable PST message in {'/'.join(path)!r}: {error}", "")
            continue
        yield message_item(counter[0], fields, where, NAME, display)
    for index in range(_subfolder_count(folder)):
        try:
            child = folder.get_sub_folder(index)
            name = text(child.get_name()) or f"folder-{index}"
        except Exception as error:  # damaged folder entry
            counter[0] += 1
            yield Bad(counter[0], f"unreadable PST folder entry: {error}", "")
            continue
        below = path if not path and name.lower() in _TOP_CONTAINERS else [*path, name]
        yield from _walk(child, below, owner, display, counter)


def _subfolder_count(folder: Any) -> int:
    try:
        return int(folder.get_number_of_sub_folders())
    except Exception:  # damaged hierarchy table: its messages are still read
        return 0


def pst_fields(message: Any) -> MessageFields:
    """Fields of one PST message: from its transport headers, else its MAPI properties."""
    raw_headers = text(message.get_transport_headers()) or ""
    headers = HeaderParser(policy=policy.default).parsestr(raw_headers)
    body = _body(message)
    subject = header_text(headers, "Subject") or text(message.get_subject())
    digest = hashlib.sha256()
    for part in (raw_headers, subject or "", body or ""):
        digest.update(part.encode("utf-8", "replace") + b"\x1f")
    return MessageFields(
        message_id=header_message_id(headers),
        date=header_date(headers) or _mapi_date(message),
        sender=first_address(header_text(headers, "From")) or text(message.get_sender_name()),
        recipients=joined_addresses([header_text(headers, n) for n in ("To", "Cc", "Bcc")]),
        subject=subject,
        size_bytes=_size(message),
        attachment_names=_attachment_names(message),
        body_text=body,
        content_hash=digest.hexdigest(),
    )


def _mapi_date(message: Any) -> datetime | None:
    for getter in ("get_delivery_time", "get_client_submit_time", "get_creation_time"):
        try:
            moment = parse_time(getattr(message, getter)())
        except Exception:  # absent or damaged time property
            continue
        if moment is not None:
            return moment
    return None


def _body(message: Any) -> str | None:
    plain = message.get_plain_text_body()
    if plain:
        return bytes(plain).decode("utf-8", "replace")[:BODY_LIMIT].strip() or None
    html = message.get_html_body()
    if html:
        decoded = bytes(html).decode("utf-8", "replace")[: 4 * BODY_LIMIT]
        return html_to_text(decoded, BODY_LIMIT) or None
    return None


def _attachment_names(message: Any) -> str | None:
    names: list[str] = []
    for index in range(message.get_number_of_attachments()):
        try:
            name = text(message.get_attachment(index).get_long_filename())
        except Exception:  # unnamed or damaged attachment
            continue
        if name:
            names.append(name)
    return "; ".join(names) if names else None


def _size(message: Any) -> int | None:
    try:
        entry = message.get_record_set(0).get_entry_by_type(_PR_MESSAGE_SIZE)
        return int(entry.get_data_as_integer()) if entry is not None else None
    except Exception:  # property absent
        return None
