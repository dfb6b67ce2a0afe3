"""Load chunks of UAL records into the case store: SQL mapping where exact, Python elsewhere.

Every chunk is committed when loaded (memory stays bounded whatever the file size); when a
bulk load fails part-way, the pipeline deletes the rows it committed before re-reading.

Per chunk: DuckDB maps the records the gate accepts (``mapping.py``); the others are mapped
by the reader's own Python function; both land in staging tables and go into the store in
one insert per table that skips keys already stored, so the earliest line of a repeated
record wins whichever path mapped it, and duplicates are counted as ``store/writer.py`` does.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from contextlib import closing
from dataclasses import dataclass, field
from typing import BinaryIO

import duckdb
import pyarrow as pa

from mailscope.ingest.base import Bad, Item, Parsed, Skipped, Source
from mailscope.ingest.bulk.chunks import TRAILING_BLANKS, Chunk, read_ahead
from mailscope.ingest.bulk.mapping import (
    ITEMS_SQL,
    fields_sql,
    macros_sql,
    rows_sql,
)
from mailscope.store.case import MEMORY_ENV
from mailscope.store.writer import arrow_schema, arrow_table

TABLES = ("audit_events", "mail_access")
MEMORY_LIMIT = "640MB"
ARROW_BATCH = 16_384
PYTHON_BATCH = 20_000  # records mapped in Python between two inserts (bounds their memory)
# Python mapping of one record the SQL did not map: (line, original record) -> item.
PythonMapper = Callable[[int, object], Item]

# The rows of the records the SQL mapped (``_ms_rows`` joined to their text and items).
_FAST_ACCESS = """
SELECT r.record_key || '#' || i.row_index AS record_key, r.record_key AS event_key,
    r.id AS event_id, r.time, r.mailbox_upn, r.mailbox_guid, r.user_id, r.access_type,
    i.folder_path, i.message_id, i.size_bytes, r.is_throttled, r.operation_count,
    r.logon_type, r.client_ip, r.app_id, r.client_app_id, r.session_id, r.aad_session_id,
    r.unique_token_id, r.token_issued_at, r.client_info, r.user_agent,
    $sha AS source_sha256, r.line AS source_line
FROM _ms_rows r JOIN _ms_items i USING (line) WHERE r.fast
"""
_EVENT_NAMES = (
    "record_key id time workload record_type operation user_id user_type client_ip app_id "
    "client_app_id session_id aad_session_id unique_token_id token_issued_at client_info "
    "user_agent logon_type mailbox_upn mailbox_guid result object_id organization_id parameters"
)
_EVENT_COLUMNS = ", ".join(f"r.{name}" for name in _EVENT_NAMES.split(" "))
# Their keys alone, without the texts (for the repeat count and the probe of stored keys).
_FAST_KEYS = {
    "audit_events": "SELECT record_key FROM _ms_rows WHERE fast",
    "mail_access": "SELECT r.record_key || '#' || i.row_index AS record_key "
    "FROM _ms_rows r JOIN _ms_items i USING (line) WHERE r.fast",
}
_FAST_EVENTS = (
    f"SELECT {_EVENT_COLUMNS}, i.doc AS raw, $fmt AS source_format, $sha AS source_sha256, "
    "r.line AS source_line FROM _ms_rows r JOIN _ms_in i USING (line) WHERE r.fast"
)


@dataclass
class BulkCounts:
    """What a bulk load did with one file: records read, primary rows sent and inserted,
    records skipped by reason (the UAL shapes loaded in bulk have none today)."""

    records: int = 0
    primary: int = 0
    inserted: int = 0
    fast: int = 0  # records mapped by SQL (the rest by Python or quarantined)
    skipped: dict[str, int] = field(default_factory=dict)


class BulkLoader:
    """Loads one file's chunks; ``quarantine`` receives every ``Bad`` item in file order,
    ``progress`` the number of records read once each chunk is stored."""

    def __init__(
        self,
        connection: duckdb.DuckDBPyConnection,
        *,
        sha256: str,
        source_format: str,
        fills: dict[str, tuple[str, ...]],
        require_plain: bool,
        python_mapper: PythonMapper,
        quarantine: Callable[[Bad], None],
        progress: Callable[[int], None] | None = None,
    ):
        self.connection = connection
        self.progress = progress
        self.sha256 = sha256
        self.source_format = source_format
        self.python_mapper = python_mapper
        self.quarantine = quarantine
        self.counts = BulkCounts()
        self._fills = fills
        self._require_plain = require_plain
        self._schemas = {table: arrow_schema(connection, table) for table in TABLES}
        connection.execute(macros_sql())
        for table in TABLES:
            connection.execute(
                f"CREATE OR REPLACE TEMP TABLE _ms_stage_{table} AS SELECT * FROM {table} LIMIT 0"
            )

    def load_source(
        self,
        source: Source,
        chunks: Callable[[BinaryIO], Iterable[Chunk]],
        *,
        read_ahead_chunks: bool = False,
    ) -> BulkCounts:
        """Load ``source``, cut into chunks by ``chunks``, with DuckDB's memory capped;
        ``read_ahead_chunks``: the next chunk is read in a thread while this one is mapped
        (worth a chunk of memory where parsing is dear: Python's csv)."""
        restore = bounded(self.connection)
        try:
            with source.open() as stream:
                if not read_ahead_chunks:
                    return self.load(chunks(stream))
                with closing(read_ahead(chunks(stream))) as ahead:
                    return self.load(ahead)
        finally:
            restore()

    def load(self, chunks: Iterable[Chunk]) -> BulkCounts:
        """Map and insert every chunk; the counts of the whole file."""
        for chunk in chunks:
            for bad in chunk.bad:
                self.counts.records += 1
                self.quarantine(bad)
            if len(chunk):
                self._load_chunk(chunk)
            if self.progress is not None:
                self.progress(self.counts.records)
            del chunk  # free this block before the next one is read
        for table in TABLES:
            self.connection.execute(f"DROP TABLE IF EXISTS _ms_stage_{table}")
        self.connection.execute("DROP TABLE IF EXISTS _ms_rows")
        self.connection.execute("DROP TABLE IF EXISTS _ms_items")
        self.connection.execute("DROP TABLE IF EXISTS _ms_known")
        return self.counts

    def _load_chunk(self, chunk: Chunk) -> None:
        self.counts.records += len(chunk)
        columns: dict[str, pa.Array] = {
            "pos": pa.array(range(len(chunk)), type=pa.int64()),
            "line": chunk.lines,
            "doc": chunk.docs,
            **chunk.extras,
        }
        # Zero-copy slices: DuckDB scans an Arrow table one batch per thread.
        table = pa.table(columns)
        self.connection.register("_ms_arrow", pa.Table.from_batches(table.to_batches(ARROW_BATCH)))
        self.connection.execute(
            "CREATE OR REPLACE TEMP VIEW _ms_in AS SELECT * REPLACE "
            f"(regexp_replace(doc, '[{TRAILING_BLANKS}]+$', '') AS doc) FROM _ms_arrow"
        )
        try:
            # One statement: materialising the wide field table between them cost a third.
            fields = f"({fields_sql('_ms_in', self._fills)})"
            rows = rows_sql(fields, tuple(self._fills), self._require_plain)
            self.connection.execute(f"CREATE OR REPLACE TEMP TABLE _ms_rows AS {rows}")
            self.connection.execute(f"CREATE OR REPLACE TEMP TABLE _ms_items AS {ITEMS_SQL}")
            self.connection.execute(
                "UPDATE _ms_rows SET fast = false WHERE line IN "
                "(SELECT line FROM _ms_items WHERE NOT ok)"
            )
            slow = self.connection.execute(
                "SELECT i.pos FROM _ms_in i WHERE NOT EXISTS "
                "(SELECT 1 FROM _ms_rows r WHERE r.line = i.line AND r.fast) ORDER BY i.pos"
            ).fetchall()
            [(count,)] = self.connection.execute(
                "SELECT count(*) FROM _ms_rows WHERE fast"
            ).fetchall()
            self.counts.fast += int(count)
            self.counts.primary += int(count)
            self._stage_python(chunk, [int(row[0]) for row in slow])
            self._insert()
        finally:
            self.connection.execute("DROP VIEW _ms_in")
            self.connection.unregister("_ms_arrow")
        # Each chunk's rows are committed: DuckDB keeps a transaction's replaced temp tables
        # and deleted staging rows until it ends, so one transaction per file grows with N.
        self.connection.execute("COMMIT")
        self.connection.execute("BEGIN TRANSACTION")

    def _stage_python(self, chunk: Chunk, positions: list[int]) -> None:
        """Map the records the SQL left over in Python, staging them every PYTHON_BATCH."""
        for start in range(0, len(positions), PYTHON_BATCH):
            buffers: dict[str, dict[str, list[object]]] = {
                table: {name: [] for name in schema.names}
                for table, schema in self._schemas.items()
            }
            for position in positions[start : start + PYTHON_BATCH]:
                line = chunk.lines[position].as_py()
                item = self.python_mapper(line, chunk.original(position))
                if isinstance(item, Bad):
                    self.quarantine(item)
                    continue
                if isinstance(item, Skipped):
                    self.counts.skipped[item.reason] = self.counts.skipped.get(item.reason, 0) + 1
                    continue
                self.counts.primary += 1
                _buffer(buffers, item, self.sha256)
            self._stage_buffers(buffers)

    def _stage_buffers(self, buffers: dict[str, dict[str, list[object]]]) -> None:
        for table, columns in buffers.items():
            if not columns["record_key"]:
                continue
            batch = arrow_table(self._schemas[table], columns)
            self.connection.register("_ms_py", batch)
            try:
                self.connection.execute(f"INSERT INTO _ms_stage_{table} SELECT * FROM _ms_py")
            finally:
                self.connection.unregister("_ms_py")

    def _insert(self) -> None:
        """Insert the chunk's rows (SQL-mapped straight from ``_ms_rows``, Python-mapped from
        the small ``_ms_stage_*`` tables) whose keys are not stored yet, in one statement
        per table: the earliest line of a key repeated within the chunk wins (as in
        ``BatchWriter``)."""
        for table in TABLES:
            fast = _FAST_EVENTS if table == "audit_events" else _FAST_ACCESS
            params: dict[str, str] = {"sha": self.sha256}
            if table == "audit_events":
                params["fmt"] = self.source_format
            rows = f"({fast} UNION ALL BY NAME SELECT * FROM _ms_stage_{table})"
            keys = f"({_FAST_KEYS[table]} UNION ALL SELECT record_key FROM _ms_stage_{table})"
            repeats = self.connection.execute(
                f"SELECT count(*) - count(DISTINCT record_key) FROM {keys}"
            ).fetchone()
            first_only = (
                " QUALIFY row_number() OVER (PARTITION BY b.record_key ORDER BY b.source_line) = 1"
                if repeats and repeats[0]
                else ""
            )
            # Keys already stored: found by probing the table with the (smaller) chunk, not
            # by an anti-join that would hash every stored key again for each chunk.
            self.connection.execute(
                f"CREATE OR REPLACE TEMP TABLE _ms_known AS SELECT DISTINCT t.record_key "
                f"FROM {table} t JOIN {keys} b ON t.record_key = b.record_key"
            )
            inserted = self.connection.execute(
                f"INSERT INTO {table} BY NAME SELECT * FROM {rows} b WHERE NOT EXISTS "
                f"(SELECT 1 FROM _ms_known k WHERE k.record_key = b.record_key){first_only}",
                params,
            ).fetchone()
            if table == "audit_events":
                self.counts.inserted += int(inserted[0]) if inserted else 0
            self.connection.execute(f"DELETE FROM _ms_stage_{table}")


def _buffer(buffers: dict[str, dict[str, list[object]]], item: Parsed, sha256: str) -> None:
    """Append a Python-mapped record's rows, stamped with their source, to the buffers."""
    for row in item.rows:
        row.stamp(sha256, item.line)
        columns = buffers.get(row.table)
        if columns is None:
            raise ValueError(f"bulk path got a row for unexpected table {row.table!r}")
        for name, column in columns.items():
            column.append(row.values.get(name))


def bounded(connection: duckdb.DuckDBPyConnection) -> Callable[[], None]:
    """Cap DuckDB's memory for a bulk load (``MAILSCOPE_MEMORY_LIMIT`` when the user set it,
    else ``MEMORY_LIMIT``: the chunks being read and mapped add about half a gigabyte);
    returns the function restoring the old limit."""
    row = connection.execute("SELECT current_setting('memory_limit')").fetchone()
    previous = str(row[0]) if row else None
    limit = os.environ.get(MEMORY_ENV, MEMORY_LIMIT)
    connection.execute("SET memory_limit = $limit", {"limit": limit})

    def restore() -> None:
        if previous:
            connection.execute(f"SET memory_limit = '{previous}'")

    return restore
