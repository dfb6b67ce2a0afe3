"""CSV files written by PowerShell ``Export-Csv``: an optional ``#TYPE …`` line, then a header.

Windows PowerShell 5 writes ``#TYPE Deserialized.…`` first unless ``-NoTypeInformation``
is given (Microsoft docs, "Export-Csv"); the header is the next line.
"""

from __future__ import annotations

from collections.abc import Iterator

from mailscope.ingest.base import Bad, Source
from mailscope.ingest.containers import decode_head, iter_csv_rows, text_stream

_TYPE_LINE = "#TYPE"


def header_cells(head: bytes) -> list[str]:
    """The column names of a CSV export, from the file's first bytes (``#TYPE`` skipped)."""
    lines = decode_head(head).lstrip("\ufeff").splitlines()
    if lines and lines[0].startswith(_TYPE_LINE):
        lines = lines[1:]
    if not lines:
        return []
    return [cell.strip().strip('"').strip() for cell in lines[0].split(",")]


def iter_export_rows(source: Source) -> Iterator[tuple[int, dict[str, str] | Bad]]:
    """Rows of an ``Export-Csv`` file as dicts, with file line numbers."""
    with source.open() as stream:
        first = text_stream(stream).readline()
    typed = first.startswith(_TYPE_LINE)
    with source.open() as stream:
        if typed:
            stream.readline()
        for line, row in iter_csv_rows(stream):
            if typed and isinstance(row, Bad):
                row = Bad(row.line + 1, row.reason, row.raw)
            yield (line + 1 if typed else line), row
