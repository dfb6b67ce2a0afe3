"""Content tests telling inbox-rule and transport-rule exports apart from other CSV/JSON."""

from __future__ import annotations

import re

from mailscope.ingest.containers import decode_head, first_json_char
from mailscope.ingest.readers.exchange.powershell_csv import header_cells

# Generated rule descriptions always carry these sentences (Get-TransportRule Description).
_DESCRIPTION_MARKERS = ("take the following actions:", "if the message:")


def csv_columns(head: bytes) -> set[str]:
    """Lower-cased CSV header names, or nothing for JSON files."""
    if first_json_char(head) in ("{", "["):
        return set()
    return {cell.lower() for cell in header_cells(head)}


def json_keys(head: bytes, *names: str) -> bool:
    """True when the JSON head has any of ``names`` as an object key (not as a string value).

    Audit records name rule parameters as values (``"Name": "ForwardTo"``), which must not match.
    """
    if first_json_char(head) not in ("{", "["):
        return False
    sample = decode_head(head).lower()
    return any(re.search(rf'"{re.escape(name)}"\s*:', sample) for name in names)


def mentions_rule_text(head: bytes) -> bool:
    """True when the head contains the sentences of a generated rule description."""
    sample = decode_head(head).lower()
    return any(marker in sample for marker in _DESCRIPTION_MARKERS)
