"""Record containers shared by readers: JSON (lines, arrays, wrapped arrays) and CSV.

Both yield ``(line, record)`` or ``(line, Bad)`` so a reader only maps records to rows.
Encodings: UTF-8 with or without BOM, UTF-16 with BOM; undecodable bytes are replaced
and the record is still read (the raw text is kept in the row's ``raw`` column).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import sys
from collections.abc import Iterator
from typing import Any, BinaryIO

import orjson

from mailscope.ingest.base import Bad, Source

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


def looks_like_json_lines(head: bytes) -> bool:
    """True when the file is one JSON object per line rather than one document.

    Either the first line is a whole object, or a later line starts with ``{`` at column 0
    (pretty-printed documents indent their nested objects).
    """
    stripped = decode_head(head).lstrip()
    if not stripped.startswith("{"):
        return False
    first, _, rest = stripped.partition("\n")
    try:
        if isinstance(orjson.loads(first), dict) and not _is_wrapper(orjson.loads(first)):
            return True
    except orjson.JSONDecodeError:
        pass
    return "\n{" in rest


def _is_wrapper(document: object) -> bool:
    return isinstance(document, dict) and any(
        isinstance(document.get(key), list) for key in WRAPPER_KEYS
    )


def iter_json_document(stream: BinaryIO, size: int) -> Iterator[tuple[int, object | Bad]]:
    """Records of a JSON document: an array, a ``{"value": […]}``-style wrapper, or one object.

    Arrays are split element by element (streamed, one bad element quarantined alone);
    line numbers are the line on which each record starts.
    """
    if size > WHOLE_JSON_LIMIT:
        scanner = ArrayScanner(stream)
        yield from scanner
        if not scanner.found_array:
            yield 1, Bad(1, "JSON object larger than 256 MiB without a records array", "")
        return
    data = stream.read().removeprefix(codecs.BOM_UTF8)
    scanner = ArrayScanner(io.BytesIO(data))
    items = list(scanner) if _array_like(data) else []
    if scanner.found_array:
        yield from items
        return
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError as error:
        # Perhaps JSON lines after all: salvage what can be read.
        yield from _salvage(data, f"invalid JSON document: {error}")
        return
    for index, record in enumerate(unwrap(document)):
        yield index + 1, record


def _array_like(data: bytes) -> bool:
    first = data.lstrip()[:1]
    return first == b"[" or (first == b"{" and any(k.encode() in data for k in WRAPPER_KEYS))


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


# A string (group 1 is its closing quote: None when the buffer ends inside it) or a bracket.
_TOKEN = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*(")?|[\[\]{}]')
_WRAPPER_BYTES = frozenset(key.encode() for key in WRAPPER_KEYS)
# Where an array element of objects may end: a closing brace before the next object or the
# array's end (a nested object's brace is followed by a key or another brace instead).
_OBJECT_END = re.compile(rb"\}(?=[ \t\r\n]*(?:,[ \t\r\n]*\{|\]))")
_CUTS_TRIED = 64  # cuts tried per element before the tokens take over
_FAST_BYTES = 1 << 20  # nor beyond this many bytes (one read chunk)


class ArrayScanner:
    """Splits the elements of a JSON array (bare, or under a wrapper key) from a stream.

    Memory holds one element plus one read chunk, whatever the file size. Strings are
    skipped by a regular expression, so brackets inside strings never count. An element
    over 64 MiB is quarantined and skipped; a truncated last element is quarantined.
    ``found_array`` tells afterwards whether any records array was seen at all.
    """

    def __init__(self, stream: BinaryIO, chunk_size: int = 1 << 20):
        self._stream = stream
        self._chunk_size = chunk_size
        self._buffer = b""
        self._line = 1  # line number at buffer offset ``_counted``
        self._counted = 0
        self.found_array = False

    def __iter__(self) -> Iterator[tuple[int, object | Bad]]:
        depth, level, start, pos = 0, -1, -1, 0
        skipping = eof = False
        last_key: bytes | None = None
        while True:
            match = _TOKEN.search(self._buffer, pos)
            partial = match is not None and match.group(1) is None and match.group(0)[:1] == b'"'
            if match is None or partial:
                if eof:
                    break
                if start >= 0 and len(self._buffer) - start > MAX_RECORD_BYTES:
                    yield self._bad(start, "record larger than 64 MiB")
                    start, skipping = -1, True
                if start >= 0:
                    keep = start
                elif skipping:
                    keep = match.start() if match is not None else len(self._buffer)
                else:
                    keep = pos
                if not self._refill(keep):
                    eof = True
                    continue
                pos -= keep
                start = start - keep if start >= 0 else start
                continue
            if depth == level:
                yield from self._scalars(pos, match.start())
            pos = match.end()
            first = match.group(0)[:1]
            if first == b'"':
                if level < 0 and depth == 1:
                    last_key = match.group(0)[1:-1]
                elif depth == level:
                    yield self._element(match.start(), match.end())
                continue
            if first in (b"[", b"{"):
                if level < 0 and first == b"[" and (depth == 0 or last_key in _WRAPPER_BYTES):
                    level = depth + 1
                    self.found_array = True
                elif depth == level:
                    whole = self._whole_object(match.start()) if first == b"{" else None
                    if whole is not None:
                        end, item = whole
                        yield item
                        pos = end
                        continue
                    start, skipping = match.start(), False
                depth += 1
                continue
            depth -= 1
            if depth == level and (start >= 0 or skipping):
                if start >= 0:
                    yield self._element(start, match.end())
                start, skipping = -1, False
        if depth == level:
            yield from self._scalars(pos, len(self._buffer))
        if start >= 0:
            yield self._bad(start, "truncated JSON array element")

    def _whole_object(self, begin: int) -> tuple[int, tuple[int, object]] | None:
        """The array element starting at ``begin`` in one parse, and where it ends; None
        when it is not whole in the buffer or not valid JSON (the tokens then decide).

        Tokenising every string of every element was most of the cost of reading large
        arrays. Instead the buffer is cut after a ``}`` that the next object or the array's
        end follows, and parsed: a cut inside a string or a nested object is no valid JSON,
        and one with anything after the object's end is none either, so a cut that parses
        is exactly the element the tokens would have found.
        """
        buffer = self._buffer
        for attempt, cut in enumerate(_OBJECT_END.finditer(buffer, begin)):
            if attempt == _CUTS_TRIED or cut.start() - begin > _FAST_BYTES:
                return None
            try:
                value = orjson.loads(buffer[begin : cut.start() + 1])
            except orjson.JSONDecodeError:
                continue
            return cut.start() + 1, (self._line_at(begin), value)
        return None

    def _refill(self, keep: int) -> bool:
        """Drop the buffer before ``keep`` and append a chunk; False at end of file."""
        chunk = self._stream.read(self._chunk_size)
        if not chunk:
            return False
        if keep >= self._counted:
            self._line += self._buffer.count(b"\n", self._counted, keep)
            self._counted = 0
        else:
            self._counted -= keep
        self._buffer = self._buffer[keep:] + chunk
        return True

    def _line_at(self, offset: int) -> int:
        if offset > self._counted:
            self._line += self._buffer.count(b"\n", self._counted, offset)
            self._counted = offset
        return self._line

    def _element(self, begin: int, end: int) -> tuple[int, object | Bad]:
        return _element(self._line_at(begin), self._buffer[begin:end])

    def _bad(self, begin: int, reason: str) -> tuple[int, object | Bad]:
        line = self._line_at(begin)
        return line, Bad(line, reason, _preview(self._buffer[begin:]))

    def _scalars(self, begin: int, end: int) -> Iterator[tuple[int, object | Bad]]:
        """Non-object elements (numbers, true, null …) between two tokens of the array."""
        gap = self._buffer[begin:end]
        if not gap.strip(b", \t\r\n"):
            return
        offset = begin
        for piece in gap.split(b","):
            value = piece.strip()
            if value:
                leading = len(piece) - len(piece.lstrip())
                yield _element(self._line_at(offset + leading), value)
            offset += len(piece) + 1


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
    header, rows = iter_csv_cells(stream)
    for line, cells in rows:
        yield line, cells if isinstance(cells, Bad) else dict(zip(header, cells, strict=True))


def iter_csv_cells(stream: BinaryIO) -> tuple[list[str], Iterator[tuple[int, list[str] | Bad]]]:
    """The header of a CSV file and its rows as cell lists padded to the header's length
    (what :func:`iter_csv_rows` reads, without a dict per row)."""
    text = text_stream(stream)
    reader = csv.reader(text)
    try:
        header = next(reader)
        if len(header) == 1 and header[0].lstrip("\ufeff").startswith("#TYPE"):
            header = next(reader)  # Export-Csv without -NoTypeInformation writes a type line
    except (StopIteration, csv.Error):
        return [], iter(())
    header = [name.strip().lstrip("\ufeff") for name in header]
    return header, _csv_cells(reader, len(header))


def _csv_cells(reader: Any, width: int) -> Iterator[tuple[int, list[str] | Bad]]:
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
        if len(cells) > width:
            yield line, Bad(line, f"{len(cells)} cells for {width} columns", _csv_raw(cells))
            continue
        if len(cells) < width:
            cells += [""] * (width - len(cells))
        yield line, cells


def _csv_raw(cells: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out).writerow(cells)
    return out.getvalue()


def _preview(data: bytes, limit: int = 1 << 20) -> str:
    """Raw text kept in quarantine (capped at 1 MiB; the file hash pins the full bytes)."""
    return data[:limit].decode("utf-8", errors="replace")


def iter_json_records(source: Source) -> Iterator[tuple[int, object | Bad]]:
    """Records of a JSON file whatever its shape: JSON lines, an array, or a wrapped array.

    The file is JSON lines when its head says so (:func:`looks_like_json_lines`) or when its
    first line alone is one complete, unwrapped object (first lines longer than the head).
    """
    as_lines = looks_like_json_lines(source.head)
    if not as_lines and first_json_char(source.head) == "{":
        with source.open() as stream:
            first = stream.readline(MAX_RECORD_BYTES).removeprefix(codecs.BOM_UTF8).strip()
        try:
            value = orjson.loads(first)
        except orjson.JSONDecodeError:
            value = None
        as_lines = isinstance(value, dict) and unwrap(value) == [value]
    with source.open() as stream:
        if as_lines:
            yield from iter_json_lines(stream)
        else:
            yield from iter_json_document(stream, source.size)
