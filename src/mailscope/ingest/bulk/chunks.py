"""Evidence files cut into chunks of records for the bulk path, with their line numbers.

Lines and rows are numbered exactly as the Python readers number them
(``containers.iter_json_lines`` / ``iter_csv_rows``), so both paths stamp the same
``source_line``. Each chunk keeps what the Python reader needs for the records that the SQL
cannot map (the line's bytes, the CSV row's dict).
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from mailscope.ingest.base import Bad
from mailscope.ingest.containers import MAX_RECORD_BYTES, _preview, iter_csv_rows

CHUNK_RECORDS = 50_000


@dataclass
class Chunk:
    """Records of one chunk: line, JSON text, the raw record for the Python path, extras."""

    lines: list[int] = field(default_factory=list)
    docs: list[str] = field(default_factory=list)
    originals: list[object] = field(default_factory=list)  # bytes (JSON lines) or row dict
    extras: dict[str, list[str]] = field(default_factory=dict)
    bad: list[Bad] = field(default_factory=list)  # records refused before any mapping

    def __len__(self) -> int:
        return len(self.lines)


def json_line_chunks(stream: BinaryIO, size: int = CHUNK_RECORDS) -> Iterator[Chunk]:
    """JSON lines, numbered from 1, blank lines skipped, as ``iter_json_lines`` reads them."""
    chunk = Chunk()
    for number, line in enumerate(stream, start=1):
        if number == 1:
            line = line.removeprefix(codecs.BOM_UTF8)
        if not line.strip():
            continue
        if len(line) > MAX_RECORD_BYTES:
            chunk.bad.append(Bad(number, "record larger than 64 MiB", _preview(line)))
            continue
        chunk.lines.append(number)
        chunk.originals.append(line)
        if len(chunk.lines) >= size:
            yield _decoded(chunk)
            chunk = Chunk()
    yield _decoded(chunk)


def _decoded(chunk: Chunk) -> Chunk:
    """Line texts without their line ends; undecodable lines get an empty text (Python path)."""
    for line in chunk.originals:
        assert isinstance(line, bytes)
        try:
            chunk.docs.append(line.rstrip(b"\r\n").decode("utf-8"))
        except UnicodeDecodeError:
            chunk.docs.append("")
    return chunk


def csv_row_chunks(
    stream: BinaryIO, extras: tuple[str, ...], size: int = CHUNK_RECORDS
) -> Iterator[Chunk]:
    """Rows of a CSV export: the ``AuditData`` cell as the document, ``extras`` beside it."""
    chunk = Chunk(extras={name: [] for name in extras})
    for number, row in iter_csv_rows(stream):
        if isinstance(row, Bad):
            chunk.bad.append(row)
            continue
        chunk.lines.append(number)
        chunk.originals.append(row)
        chunk.docs.append(row.get("AuditData", ""))
        for name, column in chunk.extras.items():
            column.append(row.get(name, ""))
        if len(chunk.lines) >= size:
            yield chunk
            chunk = Chunk(extras={name: [] for name in extras})
    yield chunk
