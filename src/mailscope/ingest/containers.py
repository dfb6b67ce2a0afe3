"""Record containers shared by readers: JSON (lines, arrays, wrapped arrays) and CSV.

Both yield ``(line, record)`` or ``(line, Bad)`` so a reader only maps records to rows.
Encodings: UTF-8 with or without BOM, UTF-16 with BOM; undecodable bytes are replaced
and the record is still read (the raw text is kept in the row's ``raw`` column).
"""

from __future__ import annotations

import codecs
import csv
import io
import sys
from collections.abc import Iterator
from typing import BinaryIO

import orjson

from mailscope.ingest.base import Bad

# Array files larger than this are split by a streaming scanner instead of one orjson call.
WHOLE_JSON_LIMIT = 256 * 1024 * 1024
MAX_RECORD_BYTES = 64 * 1024 * 1024
WRAPPER_KEYS = ("value", "records", "Records", "items", "data", "results")

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def decode_head(head: bytes) -> str:
    """Text of a file's first bytes for sniffing: BOM-aware, never raising."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return head.decode("utf-16", errors="replace")
    return head.decode("utf-8-sig", errors="replace")


def first_json_char(head: bytes) -> str:
    """The first non-space character of a JSON file (``{``, ``[`` …), or ''."""
    stripped = decode_head(head).lstrip()
    return stripped[:1]


def text_stream(stream: BinaryIO) -> io.TextIOWrapper:
    """A text view of a binary evidence stream: BOM stripped, bad bytes replaced."""
    peek = stream.read(4)
    encoding = "utf-8-sig"
    if peek.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    joined = io.BufferedReader(_Prepend(peek, stream))
    return io.TextIOWrapper(joined, encoding=encoding, errors="replace", newline="")


class _Prepend(io.RawIOBase):
    """A raw stream that first returns ``prefix`` then the rest of ``stream``."""

    def __init__(self, prefix: bytes, stream: BinaryIO):
        self._prefix = prefix
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(buffer)
        if self._prefix:
            size = min(len(view), len(self._prefix))
            view[:size] = self._prefix[:size]
            self._prefix = self._prefix[size:]
            return size
        data = self._stream.read(len(view))
        view[: len(data)] = data
        return len(data)


def iter_json_lines(stream: BinaryIO) -> Iterator[tuple[int, object | Bad]]:
    """One JSON value per line; blank lines skipped; a bad line becomes ``Bad``."""
    first = True
    for number, line in enumerate(stream, start=1):
        if first:
            line = line.removeprefix(codecs.BOM_UTF8)
            first = False
        if not line.strip():
            continue
        if len(line) > MAX_RECORD_BYTES:
            yield number, Bad(number, "record larger than 64 MiB", _preview(line))
            continue
        try:
            yield number, orjson.loads(line)
        except orjson.JSONDecodeError as error:
            yield number, Bad(number, f"invalid JSON: {error}", _preview(line))


def iter_json_document(stream: BinaryIO, size: int) -> Iterator[tuple[int, object | Bad]]:
    """Records of a JSON document: an array, a ``{"value": […]}``-style wrapper, or one object.

    Line numbers are the line on which each record starts.
    """
    if size > WHOLE_JSON_LIMIT:
        yield from _scan_array(stream)
        return
    data = stream.read().removeprefix(codecs.BOM_UTF8)
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError as error:
        # Perhaps JSON lines after all, or a truncated array: salvage what can be read.
        yield from _salvage(data, f"invalid JSON document: {error}")
        return
    records = unwrap(document)
    starts = _record_start_lines(data, len(records)) if records else []
    for index, record in enumerate(records):
        yield (starts[index] if index < len(starts) else index + 1), record


def unwrap(document: object) -> list[object]:
    """The list of records inside a JSON document (array, known wrapper key, or single object)."""
    if isinstance(document, list):
        return document
    if isinstance(document, dict):
        for key in WRAPPER_KEYS:
            inner = document.get(key)
            if isinstance(inner, list):
                return inner
        return [document]
    return [document]


def _record_start_lines(data: bytes, count: int) -> list[int]:
    """Line of each top-level record in an array document (depth-2 object starts)."""
    lines: list[int] = []
    depth = 0
    line = 1
    in_string = False
    escaped = False
    wrapped = data.lstrip()[:1] == b"{"
    target = 2 if wrapped else 1
    for byte in data:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:
                escaped = True
            elif byte == 0x22:
                in_string = False
            continue
        if byte == 0x0A:
            line += 1
        elif byte == 0x22:
            in_string = True
        elif byte in (0x7B, 0x5B):
            if depth == target and byte == 0x7B:
                lines.append(line)
                if len(lines) == count:
                    return lines
            depth += 1
        elif byte in (0x7D, 0x5D):
            depth -= 1
    return lines


def _salvage(data: bytes, reason: str) -> Iterator[tuple[int, object | Bad]]:
    lines = data.splitlines()
    parsed: list[tuple[int, object]] = []
    for number, line in enumerate(lines, start=1):
        stripped = line.strip().rstrip(b",")
        if not stripped or stripped in (b"[", b"]"):
            continue
        try:
            parsed.append((number, orjson.loads(stripped)))
        except orjson.JSONDecodeError:
            parsed = []
            break
    if parsed:
        yield from parsed
        return
    yield 1, Bad(1, reason, _preview(data))


def _scan_array(stream: BinaryIO) -> Iterator[tuple[int, object | Bad]]:
    """Split a huge array into its elements without holding the document in memory."""
    depth = 0
    line = 1
    in_string = False
    escaped = False
    current = bytearray()
    start_line = 1
    while chunk := stream.read(1 << 20):
        for byte in chunk:
            if depth >= 2 or (depth == 1 and byte not in (0x2C, 0x5D) and (current or byte > 0x20)):
                if not current:
                    start_line = line
                current.append(byte)
            if in_string:
                if escaped:
                    escaped = False
                elif byte == 0x5C:
                    escaped = True
                elif byte == 0x22:
                    in_string = False
                continue
            if byte == 0x0A:
                line += 1
            elif byte == 0x22:
                in_string = True
            elif byte in (0x7B, 0x5B):
                depth += 1
            elif byte in (0x7D, 0x5D):
                depth -= 1
                if depth == 1 and current:
                    yield _element(start_line, bytes(current))
                    current.clear()
    if current.strip():
        yield start_line, Bad(start_line, "truncated JSON array element", _preview(bytes(current)))


def _element(line: int, data: bytes) -> tuple[int, object | Bad]:
    try:
        return line, orjson.loads(data)
    except orjson.JSONDecodeError as error:
        return line, Bad(line, f"invalid JSON: {error}", _preview(data))


def iter_csv_rows(stream: BinaryIO) -> Iterator[tuple[int, dict[str, str] | Bad]]:
    """Rows of a CSV file with a header, as dicts; the line is where the row starts.

    Multi-line quoted cells are kept whole. A row with more cells than the header is
    quarantined; missing trailing cells are empty.
    """
    text = text_stream(stream)
    reader = csv.reader(text)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        return
    header = [name.strip().lstrip("\ufeff") for name in header]
    start = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield start, Bad(start, f"malformed CSV: {error}", "")
            start = reader.line_num + 1
            continue
        line = start
        start = reader.line_num + 1
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header):
            yield line, Bad(line, f"{len(cells)} cells for {len(header)} columns", _csv_raw(cells))
            continue
        yield line, dict(zip(header, cells + [""] * (len(header) - len(cells)), strict=True))


def _csv_raw(cells: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out).writerow(cells)
    return out.getvalue()


def _preview(data: bytes, limit: int = 1 << 20) -> str:
    """Raw text kept in quarantine (capped at 1 MiB; the file hash pins the full bytes)."""
    return data[:limit].decode("utf-8", errors="replace")
