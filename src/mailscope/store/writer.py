"""Batched, de-duplicating inserts of reader rows into the case store.

Rows are buffered per table as columns, handed to DuckDB as Arrow tables, and inserted
with an anti-join on ``record_key``: a record already in the store (from an overlapping
export or a re-run) or repeated within the batch is counted as a duplicate, not inserted.
Memory stays bounded by the batch size, whatever the evidence size.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from mailscope.ingest.base import Row
from mailscope.store.case import table_columns

_ARROW_TYPES: dict[str, pa.DataType] = {
    "VARCHAR": pa.string(),
    "TIMESTAMP": pa.timestamp("us"),
    "INTEGER": pa.int32(),
    "BIGINT": pa.int64(),
    "BOOLEAN": pa.bool_(),
    "DOUBLE": pa.float64(),
}

# Tables readers may write to; the rest belong to later stages.
EVIDENCE_TABLES = (
    "audit_events",
    "mail_access",
    "signins",
    "graph_activity",
    "directory_audits",
    "directory_users",
    "messages",
    "message_trace",
    "mail_rules",
)


@dataclass
class _Buffer:
    schema: pa.Schema
    columns: dict[str, list[object]]
    primary: int = 0  # how many buffered rows are primary rows of a record

    def __len__(self) -> int:
        return len(next(iter(self.columns.values())))


@dataclass
class BatchWriter:
    """Buffers rows and flushes them in batches; reports inserted primary rows per flush."""

    connection: duckdb.DuckDBPyConnection
    batch_rows: int = 50_000
    _buffers: dict[str, _Buffer] = field(default_factory=dict)
    _pending: int = 0

    def __post_init__(self) -> None:
        for table in EVIDENCE_TABLES:
            columns = table_columns(self.connection, table)
            schema = pa.schema([(name, _ARROW_TYPES[kind]) for name, kind in columns])
            self._buffers[table] = _Buffer(schema, {name: [] for name, _ in columns})

    def add(self, rows: Iterable[Row]) -> int:
        """Buffer the rows of one record (first row primary). Returns rows inserted by any flush."""
        first = True
        for row in rows:
            buffer = self._buffers.get(row.table)
            if buffer is None:
                raise ValueError(f"reader wrote to unknown table {row.table!r}")
            values = row.values
            for name, column in buffer.columns.items():
                column.append(values.get(name))
            if first:
                buffer.primary += 1
                first = False
            self._pending += 1
        if self._pending >= self.batch_rows:
            return self.flush()
        return 0

    def flush(self) -> int:
        """Insert everything buffered; return how many primary rows were new."""
        inserted = 0
        for table, buffer in self._buffers.items():
            if len(buffer) == 0:
                continue
            count = self._insert(table, buffer)
            if buffer.primary:  # a table holds primary rows or child rows, never both
                inserted += count
            for column in buffer.columns.values():
                column.clear()
            buffer.primary = 0
        self._pending = 0
        return inserted

    def _insert(self, table: str, buffer: _Buffer) -> int:
        try:
            batch = pa.table(buffer.columns, schema=buffer.schema)
        except (pa.ArrowTypeError, pa.ArrowInvalid, OverflowError):
            batch = _coerced_table(buffer)
        self.connection.register("_batch", batch)
        try:
            result = self.connection.execute(
                f"INSERT INTO {table} SELECT * FROM _batch b "
                f"WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE t.record_key = b.record_key) "
                "QUALIFY row_number() OVER (PARTITION BY b.record_key ORDER BY b.source_line) = 1"
            ).fetchone()
        finally:
            self.connection.unregister("_batch")
        return int(result[0]) if result else 0


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
            arrays.append(
                pa.array([_coerce(v, column_field.type) for v in values], type=column_field.type)
            )
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
