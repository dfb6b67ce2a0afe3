"""Content tests the Entra readers sniff with: JSON keys and CSV headers in a file's head.

Entra sniffers never claim Unified Audit Log evidence: a head with UAL keys
(``RecordType``, ``CreationTime``, ``Workload``, ``AuditData``, Graph ``auditLogRecordType``)
or Purview / ``Search-UnifiedAuditLog`` CSV headers is left to the UAL readers.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable

from mailscope.ingest.containers import decode_head, first_json_char
from mailscope.ingest.readers.entra.fields import EVENTHUB_CATEGORIES, SENTINEL_TABLES

_UAL_JSON_KEYS = re.compile(
    r'"(?:RecordType|CreationTime|Workload|OfficeWorkload|AuditData|auditData|'
    r'auditLogRecordType)"\s*:'
)
UAL_CSV_HEADERS = frozenset(
    {"RecordType", "AuditData", "CreationDate", "Operations", "UserIds", "OfficeWorkload"}
)
_EVENTHUB_CATEGORY = re.compile(
    r'"category"\s*:\s*"(?:' + "|".join(map(re.escape, EVENTHUB_CATEGORIES)) + r')"',
    re.IGNORECASE,
)
_SENTINEL_TYPE = re.compile(
    r'"Type"\s*:\s*"(?:' + "|".join(map(re.escape, SENTINEL_TABLES)) + r')"'
)


def json_head(head: bytes) -> str | None:
    """The decoded head of a JSON file that is not UAL evidence, else None."""
    if first_json_char(head) not in ("[", "{"):
        return None
    text = decode_head(head)
    return None if _UAL_JSON_KEYS.search(text) else text


def has_keys(text: str, *keys: str) -> bool:
    """True when every ``"key"`` appears (quoted, as JSON writes keys) in ``text``."""
    return all(f'"{key}"' in text for key in keys)


def any_keys(text: str, keys: Iterable[str]) -> bool:
    """True when at least one ``"key"`` appears in ``text``."""
    return any(f'"{key}"' in text for key in keys)


def is_event_hub(text: str) -> bool:
    """A diagnostic-settings record of an Entra log category."""
    return has_keys(text, "properties") and _EVENTHUB_CATEGORY.search(text) is not None


def is_sentinel_type(text: str) -> bool:
    """A Sentinel row whose ``Type`` is an Entra table."""
    return _SENTINEL_TYPE.search(text) is not None


def csv_header(head: bytes) -> list[str]:
    """The column names of a CSV file's first line (quoted names allowed), or []."""
    text = decode_head(head)
    first = text.split("\n", 1)[0].rstrip("\r")
    if "," not in first or first.lstrip()[:1] in ("{", "["):
        return []
    try:
        names = next(csv.reader([first]))
    except (csv.Error, StopIteration):
        return []
    return [name.strip().lstrip("\ufeff") for name in names]
