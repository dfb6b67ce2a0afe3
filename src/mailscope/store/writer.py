"""Batched, de-duplicating inserts of reader rows into the case store.

Rows are buffered per table as columns, handed to DuckDB as Arrow tables, and inserted
with an anti-join on ``record_key``: a record already in the store (from an overlapping
export or a re-run) or repeated within the batch is counted as a duplicate, not inserted.
Memory stays bounded by the batch size, whatever the evidence size. One writer serves a
whole ingest run, so thousands of one-message files cost one insert per batch, not per file.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from mailscope.model.row import Row
from mailscope.store.case import EVIDENCE_TABLES, table_columns

_ARROW_TYPES: dict[str, pa.DataType] = {
    "VARCHAR": pa.string(),
    "TIMESTAMP": pa.timestamp("us"),
    "INTEGER": pa.int32(),
    "BIGINT": pa.int64(),
    "BOOLEAN": pa.bool_(),
    "DOUBLE": pa.float64(),
}


@dataclass
class _Buffer:
    schema: pa.Schema
    columns: dict[str, list[object]]
    order: list[int] = field(default_factory=list)  # file ordinal of each row
    primary: bool = False  # a table holds primary rows of records or child rows, never both

    def __len__(self) -> int:
        return len(self.order)


@dataclass
class BatchWriter:
    """Buffers rows and flushes them in batches.

    ``inserted`` counts, per ``source_sha256``, the primary rows that were new; the rest of
    a file's primary rows were duplicates.
    """

    connection: duckdb.DuckDBPyConnection
    batch_rows: int = 50_000
    inserted: Counter[str] = field(default_factory=Counter)
    on_flush: Callable[[], None] | None = None  # e.g. commit, so memory stays bounded
    file_order: int = 0  # set by the caller per file: the earlier file keeps a shared record
    _buffers: dict[str, _Buffer] = field(default_factory=dict)
    _pending: int = 0

    def __post_init__(self) -> None:
        for table in EVIDENCE_TABLES:
            columns = table_columns(self.connection, table)
            schema = pa.schema([(name, _ARROW_TYPES[kind]) for name, kind in columns])
            self._buffers[table] = _Buffer(schema, {name: [] for name, _ in columns})

    @property
    def primary_tables(self) -> set[str]:
        """Tables that have received primary rows (their duplicates are counted per file)."""
        return {table for table, buffer in self._buffers.items() if buffer.primary}

    @property
    def pending(self) -> int:
        """Rows buffered and not yet inserted."""
        return self._pending

    def add(self, rows: Iterable[Row]) -> None:
        """Buffer the rows of one record (first row primary); flush when the batch is full."""
        first = True
        for row in rows:
            buffer = self._buffers.get(row.table)
            if buffer is None:
                raise ValueError(f"reader wrote to unknown table {row.table!r}")
            values = row.values
            for name, column in buffer.columns.items():
                column.append(values.get(name))
            buffer.order.append(self.file_order)
            if first:
                buffer.primary = True
                first = False
            self._pending += 1
        if self._pending >= self.batch_rows:
            self.flush()

    def flush(self) -> None:
        """Insert everything buffered, counting new primary rows per source file."""
        for table, buffer in self._buffers.items():
            if len(buffer) == 0:
                continue
            shas = self._insert(table, buffer)
            if buffer.primary:
                self.inserted.update(shas)
            for column in buffer.columns.values():
                column.clear()
            buffer.order.clear()
        self._pending = 0
        if self.on_flush is not None:
            self.on_flush()

    def _insert(self, table: str, buffer: _Buffer) -> list[str]:
        batch = arrow_table(buffer.schema, buffer.columns)
        batch = batch.append_column("_file_order", pa.array(buffer.order, type=pa.int32()))
        self.connection.register("_batch", batch)
        try:
            rows = self.connection.execute(
                f"INSERT INTO {table} SELECT * EXCLUDE (_file_order) FROM _batch b "
                f"WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE t.record_key = b.record_key) "
                "QUALIFY row_number() OVER "
                "(PARTITION BY b.record_key ORDER BY b._file_order, b.source_line) = 1 "
                "RETURNING source_sha256"
            ).fetchall()
        finally:
            self.connection.unregister("_batch")
        return [str(row[0]) for row in rows]


def arrow_schema(connection: duckdb.DuckDBPyConnection, table: str) -> pa.Schema:
    """The Arrow schema of a case-store table, for batches handed to DuckDB."""
    columns = table_columns(connection, table)
    return pa.schema([(name, _ARROW_TYPES[kind]) for name, kind in columns])


def arrow_table(schema: pa.Schema, columns: dict[str, list[object]]) -> pa.Table:
    """Buffered column values as an Arrow table of ``schema`` (wrong-typed values coerced)."""
    try:
        return pa.table(columns, schema=schema)
    except (pa.ArrowTypeError, pa.ArrowInvalid, OverflowError):
        return _coerced_table(_Buffer(schema, columns))


def _coerced_table(buffer: _Buffer) -> pa.Table:
    """Slow path when a reader handed a value of the wrong type: coerce, never crash.

    Strings for VARCHAR columns; values that cannot take the column's type become NULL
    (the raw record, kept in ``raw``, still has them).
    """
    arrays = []
    for column_field in buffer.schema:
        values = buffer.columns[column_field.name]
        try:
            arrays.append(pa.array(values, type=column_field.type))
        except (pa.ArrowTypeError, pa.ArrowInvalid, OverflowError):
            coerced = [_coerce(value, column_field.type) for value in values]
            arrays.append(pa.array(coerced, type=column_field.type))
    return pa.Table.from_arrays(arrays, schema=buffer.schema)


def _coerce(value: object, kind: pa.DataType) -> object:
    if value is None:
        return None
    if pa.types.is_string(kind):
        return value if isinstance(value, str) else str(value)
    try:
        pa.array([value], type=kind)
    except (pa.ArrowTypeError, pa.ArrowInvalid, OverflowError):
        return None
    return value


def insert_rows(
    connection: duckdb.DuckDBPyConnection, table: str, rows: list[tuple[object, ...]]
) -> None:
    """Insert plain tuples (in column order) through Arrow: one statement, not one per row."""
    if not rows:
        return
    columns = table_columns(connection, table)
    schema = pa.schema([(name, _ARROW_TYPES[kind]) for name, kind in columns])
    batch = pa.Table.from_arrays(
        [
            pa.array([row[index] for row in rows], type=schema.field(index).type)
            for index in range(len(columns))
        ],
        schema=schema,
    )
    connection.register("_rows", batch)
    try:
        connection.execute(f"INSERT INTO {table} SELECT * FROM _rows")
    finally:
        connection.unregister("_rows")
