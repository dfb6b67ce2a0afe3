"""Detections on Spark: the same rules, the same findings, over a Parquet copy of the case.

The case store's tables are written as Parquet partitioned by table and day
(:mod:`mailscope.spark.case_parquet`) and registered as Spark views; every detection's
DuckDB SQL then runs on Spark through :class:`SparkSql`. Findings and rule runs are small
and are written back to the case store, so scope and report read them as usual.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from mailscope.detect.engine import RuleEngine
from mailscope.spark.case_parquet import register_views, write_parquet
from mailscope.spark.connection import SparkSql

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

PARQUET = "parquet"
"""Folder of the case that holds its tables as Parquet for Spark."""


def spark_rules(spark: SparkSession, case_dir: Path, tables: str | None = None) -> RuleEngine:
    """A rule engine for :func:`mailscope.detect.engine.detect_case` on ``spark``.

    ``tables`` is a folder (or URL) of the case's tables as Parquet; when None they are
    written from the store to ``<case>/parquet`` first."""

    def engine(store: duckdb.DuckDBPyConnection) -> SparkSql:
        folder = tables
        if folder is None:
            target = case_dir / PARQUET
            shutil.rmtree(target, ignore_errors=True)
            write_parquet(store, target)
            folder = str(target)
        register_views(spark, folder)
        return SparkSql(spark)

    return engine
