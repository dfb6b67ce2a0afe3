"""Read the recipients and actions of an Exchange rule out of its exported text.

Address cells look like ``"Eve" [SMTP:eve@evil.example]``, ``eve@evil.example`` or a list of
those (``;``/``,``-separated, or a JSON array). Rule descriptions are the English text
Exchange generates (``Get-InboxRule``/``Get-TransportRule`` ``Description``), e.g.
``forward the message to 'eve@evil.example'`` or ``Redirect the message to 'x'``.
"""

from __future__ import annotations

import re

from mailscope.ingest.normalise import blank, maybe_json

_SMTP = re.compile(r"\bSMTP:([^\]\s;,]+@[^\]\s;,]+)", re.IGNORECASE)
_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")

# Action sentences of generated rule descriptions, mapped to mail_rules columns.
# Order matters: "as an attachment" must win over plain "forward".
_ACTIONS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("forward_as_attachment_to", re.compile(r"forward the message as an attachment to (.+)", re.I)),
    ("forward_to", re.compile(r"forward the message to (.+)", re.I)),
    ("redirect_to", re.compile(r"redirect the message to (.+)", re.I)),
    ("forward_to", re.compile(r"blind carbon copy \(bcc\) the message to (.+)", re.I)),
    ("forward_to", re.compile(r"add recipients to the (?:to|cc) box (.+)", re.I)),
    ("move_to_folder", re.compile(r"move the message to (?:the )?folder (.+)", re.I)),
)
_DELETE = re.compile(r"\b(?:delete the message|permanently delete the message)\b", re.I)
_CONDITIONS = re.compile(r"if the message:?(.*?)(?:take the following actions:|$)", re.I | re.S)


def addresses(value: object) -> str | None:
    """Mail addresses in an exported cell, lower-cased, ``; ``-joined, first-seen order.

    Entries without an address (legacy ``EX:/o=…`` DNs, display names) are kept as written.
    """
    value = maybe_json(value)
    items = value if isinstance(value, list) else [value]
    found: list[str] = []
    for item in items:
        if isinstance(item, dict):  # Graph {"emailAddress": {"address": …}} recipients
            inner = item.get("emailAddress")
            item = inner.get("address") if isinstance(inner, dict) else item.get("address")
        if blank(item):
            continue
        found.extend(_addresses_in(str(item)))
    unique = list(dict.fromkeys(found))
    return "; ".join(unique) if unique else None


def _addresses_in(cell: str) -> list[str]:
    found: list[str] = []
    for entry in re.split(r"[;\n]", cell):
        # Descriptions quote recipients ('eve@evil.example'): the quotes are not address text.
        matches = _SMTP.findall(entry) or _ADDRESS.findall(entry)
        if matches:
            found.extend(address.strip("'").lower() for address in matches)
        elif entry.strip():
            found.append(entry.strip())
    return found


def description_actions(description: str | None) -> dict[str, object]:
    """Columns filled from a generated description: recipients, folder, delete."""
    found: dict[str, object] = {}
    if not description:
        return found
    for line in description.splitlines():
        sentence = line.strip()
        for column, pattern in _ACTIONS:
            match = pattern.match(sentence)
            if match:
                if column == "move_to_folder":
                    found.setdefault(column, match.group(1).strip().strip("'\""))
                else:
                    _merge(found, column, addresses(match.group(1)))
                break
    if _DELETE.search(description):
        found["delete_message"] = True
    return found


def _merge(found: dict[str, object], column: str, value: str | None) -> None:
    if value is None:
        return
    previous = found.get(column)
    found[column] = f"{previous}; {value}" if previous else value


def description_conditions(description: str | None) -> str | None:
    """The ``If the message:`` part of a generated description, tidied to one line each."""
    if not description:
        return None
    match = _CONDITIONS.search(description)
    if not match:
        return None
    lines = [line.strip() for line in match.group(1).splitlines() if line.strip()]
    return "\n".join(lines) if lines else None
