"""What the UAL readers share: sniffing helpers and turning one AuditData dict into an item."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator, Mapping
from functools import cache

import orjson

from mailscope.ingest.base import Bad, Item, Parsed, Source
from mailscope.ingest.containers import (
    decode_head,
    first_json_char,
    iter_csv_rows,
    iter_json_records,
)
from mailscope.ingest.readers.ual.auditdata import audit_rows
from mailscope.ingest.readers.ual.columns import AUDIT_COLUMNS, Record, column_value
from mailscope.ingest.readers.ual.keys import RecordKeys

SNIFF_CHARS = 16 * 1024
MUST_PARSE = tuple(column for column in AUDIT_COLUMNS if column.must_parse)


def json_head(head: bytes) -> str | None:
    """The start of a JSON file as text, or None when the file is not JSON."""
    if first_json_char(head) not in ("{", "["):
        return None
    return decode_head(head)[:SNIFF_CHARS]


@cache
def _key_pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf'"{re.escape(name)}"\s*:')


def has_key(text: str, name: str) -> bool:
    """True when ``"name":`` occurs in the JSON text (case-sensitive, as exports spell it)."""
    return _key_pattern(name).search(text) is not None


def csv_header(head: bytes) -> set[str]:
    """Column names of a CSV file's header line (empty when the head is not CSV-like)."""
    text = decode_head(head).lstrip("\ufeff")
    if text.lstrip()[:1] in ("{", "["):
        return set()
    first, _, rest = text.partition("\n")
    if first.startswith("#TYPE"):  # Export-Csv's type line precedes the header
        first = rest.split("\n", 1)[0]
    try:
        cells = next(csv.reader([first]))
    except (csv.Error, StopIteration):
        return set()
    return {cell.strip().strip('"') for cell in cells}


def json_records(source: Source) -> Iterator[tuple[int, object | Bad]]:
    """Each record of a JSON / JSON-lines source, with its line."""
    yield from iter_json_records(source)


def json_object_items(
    source: Source, map_record: Callable[[int, Mapping[str, object]], Item]
) -> Iterator[Item]:
    """Each JSON object of ``source`` mapped; what is not an object is quarantined."""
    for line, record in json_records(source):
        if isinstance(record, Bad):
            yield record
        elif not isinstance(record, Mapping):
            yield Bad(line, "record is not a JSON object", raw_json(record))
        else:
            yield map_record(line, record)


def csv_items(source: Source, map_row: Callable[[int, dict[str, str]], Item]) -> Iterator[Item]:
    """Each row of a CSV export mapped; malformed rows are quarantined."""
    with source.open() as stream:
        for line, row in iter_csv_rows(stream):
            yield row if isinstance(row, Bad) else map_row(line, row)


def raw_json(record: object) -> str:
    """The record as JSON text, kept in the ``raw`` column."""
    try:
        return orjson.dumps(record, option=orjson.OPT_NON_STR_KEYS).decode()
    except TypeError:
        return repr(record)


def audit_item(
    line: int,
    data: object,
    *,
    keys: RecordKeys,
    source_format: str,
    raw: str,
    key_content: object = None,
) -> Item:
    """A ``Parsed`` for an AuditData-like dict, or ``Bad`` when it is no audit record at all
    or its time does not parse (a record with a NULL time would vanish from every timeline)."""
    if not isinstance(data, Mapping):
        return Bad(line, "record is not a JSON object", raw)
    if not data.get("Operation") and not data.get("CreationTime"):
        return Bad(line, "no Operation and no CreationTime: not an audit record", raw)
    record = Record(data)
    for column in MUST_PARSE:
        value = record.first(column)
        if value is not None and column_value(record, column) is None:
            return Bad(line, f"event {column.name} {str(value)[:80]!r} is not a date and time", raw)
    key = keys.key(data.get("Id"), data.get("Operation"), key_content or data)
    try:
        rows = audit_rows(data, key=key, source_format=source_format, raw=raw)
    except (TypeError, ValueError, AttributeError, RecursionError) as error:
        return Bad(line, f"cannot map audit record: {error!r}", raw)
    return Parsed(line, rows)
