"""Bulk loads of the two high-volume UAL shapes: Management API JSON lines and Purview CSV."""

from __future__ import annotations

import codecs
from collections.abc import Callable
from typing import Protocol, runtime_checkable

import duckdb
import orjson

from mailscope.ingest.base import Bad, Item, Source
from mailscope.ingest.bulk.chunks import csv_row_chunks, json_line_chunks
from mailscope.ingest.bulk.loader import BulkCounts, BulkLoader, PythonMapper
from mailscope.ingest.containers import (
    MAX_RECORD_BYTES,
    _element,
    first_json_char,
    looks_like_json_lines,
    unwrap,
)
from mailscope.ingest.readers.ual.columns import field_maps

Quarantine = Callable[[Bad], None]
Progress = Callable[[int], None]


def is_json_lines(source: Source) -> bool:
    """Whether ``containers.iter_json_records`` would read ``source`` as JSON lines."""
    if looks_like_json_lines(source.head):
        return True
    if first_json_char(source.head) != "{":
        return False
    with source.open() as stream:
        first = stream.readline(MAX_RECORD_BYTES).removeprefix(codecs.BOM_UTF8).strip()
    try:
        value = orjson.loads(first)
    except orjson.JSONDecodeError:
        return False
    return isinstance(value, dict) and unwrap(value) == [value]


def load_json_lines(
    source: Source,
    connection: duckdb.DuckDBPyConnection,
    *,
    source_format: str,
    record_item: Callable[[int, object], Item],
    quarantine: Quarantine,
    progress: Progress | None = None,
) -> BulkCounts | None:
    """Bulk-load a JSON-lines file of AuditData objects; None when the file is not JSON lines."""
    if not is_json_lines(source):
        return None

    def python_mapper(line: int, original: object) -> Item:
        assert isinstance(original, bytes)
        _, record = _element(line, original)
        return record if isinstance(record, Bad) else record_item(line, record)

    loader = BulkLoader(
        connection,
        sha256=source.sha256,
        source_format=source_format,
        fills={},
        require_plain=True,
        python_mapper=python_mapper,
        quarantine=quarantine,
        progress=progress,
    )
    return loader.load_source(source, json_line_chunks)


def load_search_csv(
    source: Source,
    connection: duckdb.DuckDBPyConnection,
    *,
    source_format: str,
    record_item: PythonMapper,
    quarantine: Quarantine,
    progress: Progress | None = None,
) -> BulkCounts:
    """Bulk-load a Purview / Search-UnifiedAuditLog CSV export (AuditData cells)."""
    columns: dict[str, list[str]] = field_maps()["search_columns"]
    extras = tuple(dict.fromkeys(name for names in columns.values() for name in names))
    fills = {target: tuple(names) for target, names in columns.items()}
    loader = BulkLoader(
        connection,
        sha256=source.sha256,
        source_format=source_format,
        fills=fills,
        require_plain=False,
        python_mapper=record_item,
        quarantine=quarantine,
        progress=progress,
    )
    # Python's csv parses the next chunk while DuckDB maps this one (400 K rows: -10 %).
    return loader.load_source(
        source, lambda stream: csv_row_chunks(stream, extras), read_ahead_chunks=True
    )


@runtime_checkable
class BulkReader(Protocol):
    """A reader with a bulk path: its ``bulk_shape`` names the loader, and
    ``record_mapper()`` gives the per-record mapping for one file."""

    name: str
    bulk_shape: str

    def record_mapper(self) -> Callable[[int, object], Item]: ...


def bulk_load(
    reader: BulkReader,
    source: Source,
    connection: duckdb.DuckDBPyConnection,
    quarantine: Quarantine,
    progress: Progress | None = None,
) -> BulkCounts | None:
    """Load ``source`` in bulk with the loader the reader names; None when the file is not
    one this loader takes (then it is read record by record)."""
    loader = {"ual-json-lines": load_json_lines, "ual-search-csv": load_search_csv}.get(
        reader.bulk_shape
    )
    if loader is None:
        raise ValueError(f"no bulk loader for {reader.bulk_shape!r}")
    return loader(
        source,
        connection,
        source_format=reader.name,
        record_item=reader.record_mapper(),
        quarantine=quarantine,
        progress=progress,
    )
