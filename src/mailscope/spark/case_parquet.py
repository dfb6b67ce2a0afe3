"""A case's tables as Parquet, partitioned by table and day, and back as Spark views.

The layout is ``<dir>/<table>/day=YYYY-MM-DD/*.parquet`` for tables with a ``time`` column
and ``<dir>/<table>/*.parquet`` for the rest, so a cluster reads one day of one table
without listing the others. Views drop the ``day`` partition column: rules see exactly the
columns the table contract declares (:data:`mailscope.model.tables.TABLES`).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from mailscope.model.tables import TABLES

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

DAY = "day"


def write_parquet(connection: duckdb.DuckDBPyConnection, folder: Path) -> dict[str, int]:
    """Every contract table of the store as Parquet under ``folder``; rows per table."""
    counts: dict[str, int] = {}
    for table, row_type in TABLES.items():
        target = folder / table
        target.mkdir(parents=True, exist_ok=True)
        row = connection.execute(f"SELECT count(*) FROM {table}").fetchone()
        counts[table] = int(row[0]) if row else 0
        quoted = str(target).replace("'", "''")
        if counts[table] and "time" in row_type.__annotations__:
            connection.execute(
                f"COPY (SELECT *, CAST(time AS DATE) AS {DAY} FROM {table}) TO '{quoted}' "
                f"(FORMAT parquet, PARTITION_BY ({DAY}), OVERWRITE_OR_IGNORE)"
            )
        else:
            connection.execute(
                f"COPY (SELECT * FROM {table}) TO '{quoted}/part-0.parquet' (FORMAT parquet)"
            )
    return counts


def register_views(spark: SparkSession, folder: str, tables: Iterable[str] = TABLES) -> list[str]:
    """Each of ``tables`` (every contract table by default) under ``folder`` (a local path
    or any URL Spark reads) as a temp view."""
    names = []
    for table in tables:
        frame = spark.read.parquet(f"{folder.rstrip('/')}/{table}")
        if DAY in frame.columns:
            frame = frame.drop(DAY)
        frame.createOrReplaceTempView(table)
        names.append(table)
    return names
