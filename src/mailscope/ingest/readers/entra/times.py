"""The event time of an Entra record: the first of its time fields that parses.

Besides what ``parse_time`` reads, this accepts the one-digit hours that some Identity
Protection records carry (``2023-10-26T5:32:08.107Z`` in the Event Hub sample), and falls
back to the next spelling, then to the envelope time, when a field does not parse.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime

from mailscope.ingest.normalise import parse_time
from mailscope.ingest.readers.entra.fields import Names
from mailscope.ingest.readers.entra.rejects import RecordError

_ONE_DIGIT_HOUR = re.compile(r"(\d{4}-\d{2}-\d{2})T(\d):")


def event_time(record: Mapping[str, object], names: Names, fallback: object) -> datetime | None:
    """The first of ``names`` that is a time, else ``fallback`` parsed, else None."""
    for name in names:
        value = record.get(name)
        if value is None or value == "":
            continue
        moment = parse_time(value)
        if moment is None and isinstance(value, str):
            moment = parse_time(_ONE_DIGIT_HOUR.sub(r"\1T0\2:", value, count=1))
        if moment is not None:
            return moment
    return parse_time(fallback)


def required_time(
    record: Mapping[str, object], names: Names, envelope: Mapping[str, object], reason: str
) -> datetime:
    """The record's event time (see :func:`event_time`, falling back to the envelope's
    ``time``); a record without one is unusable, so this raises ``RecordError(reason)``."""
    time = event_time(record, names, envelope.get("time"))
    if time is None:
        raise RecordError(reason)
    return time
