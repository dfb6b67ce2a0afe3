"""De-duplication keys for Entra records, equal for the same record in every export shape.

A sign-in, audit or Graph request id is assigned once by Entra, and the Graph API, the
Event Hub stream, Sentinel and the portal download all carry it, with the event time. The
key is that id (lower-cased) plus the event time to the second: the same record exported
twice collapses (portal CSVs keep only whole seconds), while anonymised samples that reuse
one placeholder id for different events (``7777…``) keep them apart. Records without an id
are keyed by their whole content, so distinct records never collapse.
"""

from __future__ import annotations

from datetime import datetime

from mailscope.ingest.normalise import content_key


def record_key(record_id: str | None, time: datetime | None, record: object) -> str:
    """``id|YYYY-MM-DDTHH:MM:SS`` when the record has an id and a time, else a content key."""
    if record_id and time is not None:
        return f"{record_id.lower()}|{time.isoformat(timespec='seconds')}"
    return content_key(record)
