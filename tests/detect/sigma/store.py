"""An empty in-memory case store to load test rows into (shared by Sigma and intel tests)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

import duckdb

from mailscope.detect.rule import Detection, RuleContext
from mailscope.model.finding import Finding
from mailscope.store.schema import ddl


def empty_store() -> duckdb.DuckDBPyConnection:
    """A fresh in-memory DuckDB holding the case-store schema and no rows."""
    connection = duckdb.connect(":memory:")
    connection.execute(ddl())
    return connection


def insert(
    connection: duckdb.DuckDBPyConnection, table: str, rows: Sequence[Mapping[str, object]]
) -> None:
    """Insert rows (column -> value; absent columns stay NULL)."""
    for row in rows:
        names = ", ".join(f'"{name}"' for name in row)
        marks = ", ".join("?" for _ in row)
        connection.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(row.values()))


def run(
    detection: Detection,
    tables: Mapping[str, Sequence[Mapping[str, object]]],
    *,
    period: tuple[datetime | None, datetime | None] = (None, None),
) -> list[Finding]:
    """Load ``tables`` into a fresh store and run ``detection`` on it."""
    connection = empty_store()
    for table, rows in tables.items():
        insert(connection, table, rows)
    ctx = RuleContext(connection, None, period[0], period[1])
    try:
        return detection.run(ctx)
    finally:
        connection.close()
