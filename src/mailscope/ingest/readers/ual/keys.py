"""De-duplication keys for audit records, equal for the same record in every export shape.

A UAL record's ``Id`` is a GUID that Microsoft assigns once; the same record exported as
Purview CSV, Management API JSON, Graph or Sentinel carries the same ``Id`` (Sentinel:
``OfficeId``). The key is that GUID plus the operation, so an anonymised sample that reuses
one GUID for different operations keeps them apart. Records without a real GUID are keyed
by their content, with an occurrence number so that identical rows of an id-less projection
(two records that happen to project alike) are kept as two, while an overlapping export of
the same rows still de-duplicates against them.
"""

from __future__ import annotations

import re

from mailscope.ingest.normalise import content_key

_GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def is_guid(value: object) -> bool:
    """True for a canonical 36-character GUID (``ANONYMIZED``, ``id-1`` … are not)."""
    return isinstance(value, str) and len(value) == 36 and _GUID.fullmatch(value) is not None


class RecordKeys:
    """Makes the keys of one file's records (tracks repeats of id-less content)."""

    def __init__(self) -> None:
        self._seen: dict[str, int] = {}

    def key(self, record_id: object, operation: object, content: object) -> str:
        """``guid|operation`` when the id is a GUID, else a content key (+ ``~n`` on repeats)."""
        if isinstance(record_id, str):
            stripped = record_id.strip()
            if is_guid(stripped):
                op = operation.strip().lower() if isinstance(operation, str) else ""
                return f"{stripped.lower()}|{op}"
        base = content_key(content)
        repeat = self._seen.get(base, 0)
        self._seen[base] = repeat + 1
        return base if repeat == 0 else f"{base}~{repeat}"
