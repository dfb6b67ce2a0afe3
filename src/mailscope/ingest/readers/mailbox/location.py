"""Which mailbox and mail folder an exported message file belongs to, from its path.

Mailbox exports are one folder per mailbox named after the owner's UPN, holding the
mail-folder tree (``jane@x/Inbox/Travel/0001.eml``). The mailbox is the nearest path
component that is an address; the folder is what lies between it and the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mailscope.ingest.normalise import normalise_folder_path

_ADDRESS = re.compile(r"^[^@\s/\\]+@[^@\s/\\]+\.[^@\s/\\]+$")
# Thunderbird keeps subfolders of ``Inbox`` (an mbox file) in ``Inbox.sbd/``.
_SUBFOLDER_SUFFIX = ".sbd"
_MAILBOX_SUFFIXES = (".mbox", ".mbx", ".pst", ".ost")


@dataclass(frozen=True, slots=True)
class Location:
    """Owner mailbox (lower-cased UPN or None) and folder path (``Inbox/Travel`` or None)."""

    mailbox: str | None
    folder: str | None


def is_address(value: str) -> bool:
    """True for a bare mail address such as ``jane.doe@x.example``."""
    return bool(_ADDRESS.match(value))


def strip_suffix(name: str, suffixes: tuple[str, ...] = _MAILBOX_SUFFIXES) -> str:
    """A file name without a mailbox-file extension (``jane@x.pst`` → ``jane@x``)."""
    lowered = name.lower()
    for suffix in suffixes:
        if lowered.endswith(suffix):
            return name[: -len(suffix)]
    return name


def message_file_location(parts: tuple[str, ...]) -> Location:
    """For one-file-per-message exports (``.eml``, ``.msg``): folders above the file."""
    return _locate(parts[:-1])


def mailbox_file_location(parts: tuple[str, ...]) -> Location:
    """For one-file-per-folder exports (``.mbox``): the file stem is the last folder.

    ``jane@x/Inbox.mbox`` → (jane@x, Inbox); ``jane@x.mbox`` → (jane@x, None).
    """
    if not parts:
        return Location(None, None)
    stem = strip_suffix(parts[-1])
    if is_address(stem):
        return Location(stem.lower(), None)
    return _locate((*parts[:-1], stem))


def owner_file_location(parts: tuple[str, ...]) -> Location:
    """For whole-mailbox files (``.pst``): owner from the file name, else a parent folder."""
    if not parts:
        return Location(None, None)
    stem = strip_suffix(parts[-1])
    if is_address(stem):
        return Location(stem.lower(), None)
    return Location(_locate(parts[:-1]).mailbox, None)


def _locate(folders: tuple[str, ...]) -> Location:
    for index in range(len(folders) - 1, -1, -1):
        if is_address(folders[index]):
            below = [_folder_name(part) for part in folders[index + 1 :]]
            return Location(folders[index].lower(), normalise_folder_path("/".join(below)))
    return Location(None, None)


def _folder_name(part: str) -> str:
    if part.lower().endswith(_SUBFOLDER_SUFFIX):
        return part[: -len(_SUBFOLDER_SUFFIX)]
    return part
