"""The event time of an Entra record: its first time field that is present.

Besides what ``parse_time`` reads, this accepts the one-digit hours that some Identity
Protection records carry (``2023-10-26T5:32:08.107Z`` in the Event Hub sample). A record
without any time field takes its envelope's ``time``. A time field that is present but is
no time makes the record unusable: taking the next spelling instead (``TimeGenerated`` is
when Log Analytics ingested the row, minutes later) would misdate it without a word.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime

from mailscope.ingest.base import Bad
from mailscope.ingest.normalise import blank, parse_time
from mailscope.ingest.readers.entra.fields import Names

_ONE_DIGIT_HOUR = re.compile(r"(\d{4}-\d{2}-\d{2})T(\d):")


def required_time(
    record: Mapping[str, object], names: Names, envelope: Mapping[str, object], reason: str
) -> datetime:
    """The first of ``names`` present in the record, else the envelope's ``time``, as a time;
    ``Bad`` when the field present is no time (its name and value are the reason), or
    when there is none (``reason``)."""
    for name in names:
        value = record.get(name)
        if blank(value):
            continue
        moment = parse_time(value)
        if moment is None and isinstance(value, str):
            moment = parse_time(_ONE_DIGIT_HOUR.sub(r"\1T0\2:", value, count=1))
        if moment is None:
            raise Bad.because(f"{name} {str(value)[:80]!r} is not a date and time")
        return moment
    moment = parse_time(envelope.get("time"))
    if moment is None:
        raise Bad.because(reason)
    return moment
