"""Records of an Entra JSON file with the text each came from: JSON lines, arrays, wrapped
arrays (``{"value": […]}``, ``{"records": […]}``), Event Hub batches one per line, with or
without a BOM, UTF-8 or UTF-16.

JSON lines keep their original line as ``raw``; records of a JSON document (whose original
text is not kept by the parser) get their compact re-serialisation.
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator
from typing import BinaryIO

import orjson

from mailscope.ingest.base import Bad, Source
from mailscope.ingest.containers import (
    MAX_RECORD_BYTES,
    WHOLE_JSON_LIMIT,
    decode_head,
    iter_json_document,
    text_stream,
    unwrap,
)

JsonRecord = tuple[int, object, str]
_WRAPPER_KEYS = 4  # most keys a wrapper object has beside its records array


def iter_records(source: Source) -> Iterator[JsonRecord | Bad]:
    """``(line, record, raw)`` for each record of ``source``, or ``Bad`` for unreadable ones."""
    lines = _is_json_lines(source)
    with source.open() as stream:
        utf8 = _utf8(stream, source.head)
        yield from _lines(utf8) if lines else _document(utf8, source.size)


def _utf8(stream: BinaryIO, head: bytes) -> BinaryIO:
    """The stream as UTF-8 bytes (UTF-16 files, e.g. from Windows PowerShell, transcoded)."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return io.BytesIO(text_stream(stream).read().encode("utf-8"))
    return stream


def _is_json_lines(source: Source) -> bool:
    """True when the first line is a whole JSON object (a pretty-printed document's is not);
    after a first line that is no JSON at all (a damaged file), when the second line is."""
    text = decode_head(source.head).lstrip()
    if text.startswith("["):
        return False
    lines = text.split("\n", 2)
    if len(lines) == 1 and source.size > len(source.head):
        with source.open() as stream:  # a first line longer than the head: an Event Hub batch?
            first = _utf8(stream, source.head).readline(MAX_RECORD_BYTES)
        return _is_object(first.decode("utf-8", errors="replace"))
    if text.startswith("{"):
        return _is_object(lines[0])
    return len(lines) > 1 and _is_object(lines[1])


def _is_object(line: str) -> bool:
    line = line.strip()
    if not line.startswith("{"):
        return False
    try:
        return isinstance(orjson.loads(line), dict)
    except orjson.JSONDecodeError:
        return False


def _lines(stream: BinaryIO) -> Iterator[JsonRecord | Bad]:
    """One JSON value per line; a line holding a wrapper (an Event Hub batch) gives many."""
    for number, line in enumerate(stream, start=1):
        if number == 1:
            line = line.removeprefix(codecs.BOM_UTF8)
        stripped = line.strip()
        if not stripped:
            continue
        if len(stripped) > MAX_RECORD_BYTES:
            yield Bad(number, "record larger than 64 MiB", _preview(stripped))
            continue
        raw = stripped.decode("utf-8", errors="replace")
        try:
            value = orjson.loads(stripped)
        except orjson.JSONDecodeError:
            try:  # undecodable bytes: read the record with them replaced
                value = orjson.loads(raw)
            except orjson.JSONDecodeError as error:
                yield Bad(number, f"invalid JSON: {error}", _preview(stripped))
                continue
        # Wrappers ({"records": […]}, {"@odata.context", "value", …}) have few keys;
        # records have many, so most lines skip the wrapper lookup.
        records = unwrap(value) if isinstance(value, dict) and len(value) <= _WRAPPER_KEYS else []
        if not records or (len(records) == 1 and records[0] is value):
            yield number, value, raw
            continue
        for record in records:
            yield number, record, _dumps(record)


def _document(stream: BinaryIO, size: int) -> Iterator[JsonRecord | Bad]:
    if size <= WHOLE_JSON_LIMIT:
        data = stream.read()
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            data = data.decode("utf-8", errors="replace").encode("utf-8")
        stream = io.BytesIO(data)
        size = len(data)
    for line, value in iter_json_document(stream, size):
        if isinstance(value, Bad):
            yield value
        else:
            yield line, value, _dumps(value)


def _dumps(record: object) -> str:
    try:
        return orjson.dumps(record).decode("utf-8")
    except (TypeError, orjson.JSONEncodeError):
        return repr(record)


def _preview(data: bytes, limit: int = 1 << 20) -> str:
    """Raw text kept in quarantine (capped at 1 MiB; the file hash pins the full bytes)."""
    return data[:limit].decode("utf-8", errors="replace")
