"""Mail folder names per mailbox: well-known folders localised to the mailbox language,
user-created folders named the tenant's way.

Exchange names the well-known folders in the mailbox's language (an export of a French
mailbox has ``Boîte de réception`` and ``Éléments envoyés``; the Management API sample in
../shared/samples/ual shows ``\\Brouillons``), while folders users create keep the name
they typed. Audit paths (``\\Inbox\\Travel``) and export paths (``Inbox/Travel``) always
name the same folder. Generators work with roles; only this module knows the names.
"""

from __future__ import annotations

# Roles of the folders messages are filed in; "deleted" and "recoverable" hold deletions.
ROLES = ("inbox", "travel", "cables", "hr", "sent", "archive", "deleted", "recoverable")
SUBFOLDER_ROLES = ("travel", "cables", "hr")

# Well-known folder display names per mailbox language (Outlook's localised names).
WELL_KNOWN: dict[str, dict[str, str]] = {
    "en": {
        "inbox": "Inbox",
        "sent": "Sent Items",
        "archive": "Archive",
        "deleted": "Deleted Items",
    },
    "fr": {
        "inbox": "Boîte de réception",
        "sent": "Éléments envoyés",
        "archive": "Archives",
        "deleted": "Éléments supprimés",
    },
    "es": {
        "inbox": "Bandeja de entrada",
        "sent": "Elementos enviados",
        "archive": "Archivo",
        "deleted": "Elementos eliminados",
    },
    "de": {
        "inbox": "Posteingang",
        "sent": "Gesendete Elemente",
        "archive": "Archiv",
        "deleted": "Gelöschte Elemente",
    },
}
LOCALES = tuple(WELL_KNOWN)
# The dumpster is a hidden system folder and keeps its English name in every language.
RECOVERABLE = "Recoverable Items/Deletions"

FolderNames = dict[str, str]  # role -> export path ("Inbox/Travel")


def folder_names(locale: str, subfolders: dict[str, str]) -> FolderNames:
    """Export path of every role for a mailbox in ``locale`` with the tenant's subfolders."""
    known = WELL_KNOWN[locale]
    names = dict(known)
    for role in SUBFOLDER_ROLES:
        names[role] = f"{known['inbox']}/{subfolders[role]}"
    names["recoverable"] = RECOVERABLE
    return names


def audit_path(folder: str) -> str:
    """The audit log's form of an export folder path: ``Inbox/Travel`` -> ``\\Inbox\\Travel``."""
    return "\\" + folder.replace("/", "\\")
