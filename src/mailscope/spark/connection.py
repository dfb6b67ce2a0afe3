"""The Spark engine behind the detections' SQL interface (:class:`SqlConnection`).

Rules call ``execute(sql, parameters)``, read ``description`` and fetch rows; Sigma and the
IOC hunt also ``register`` small Arrow tables. :class:`SparkSql` does the same over a
SparkSession: every query is the rule's DuckDB text transpiled by :func:`to_spark`, every
registered table a temporary view. Spark's errors become :class:`RuleError`, so a rule that
fails on Spark is recorded as an error with the reason, as on DuckDB.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pyarrow as pa
import sqlglot

from mailscope.errors import RuleError
from mailscope.spark.dialect import to_spark
from mailscope.spark.duckdb_udfs import register

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


class SparkSql:
    """A cursor-like view of a SparkSession: one query's rows at a time."""

    def __init__(self, spark: SparkSession) -> None:
        self.spark = spark
        self._names: list[str] = []
        self._rows: list[tuple[Any, ...]] = []
        self._next = 0
        self._registered: set[str] = set()

    def execute(self, query: str, parameters: object = None) -> SparkSql:
        """Run ``query`` (DuckDB SQL) on Spark and hold its rows for the fetch methods."""
        if parameters is not None and not isinstance(parameters, list | tuple):
            raise RuleError("Spark queries take positional parameters only")
        try:
            spark_query = to_spark(query, list(parameters or ()))
        except (ValueError, TypeError, sqlglot.errors.SqlglotError) as error:
            raise RuleError(f"cannot run on Spark: {error}") from error
        try:
            register(self.spark, spark_query.udfs, self._registered)
            for view, text in spark_query.steps:
                self.spark.sql(text).localCheckpoint(eager=True).createOrReplaceTempView(view)
            frame = self.spark.sql(spark_query.text)
            rows = frame.collect()
        except Exception as error:  # py4j and pyspark raise many types; all are the query's
            raise RuleError(f"on Spark: {type(error).__name__}: {_first_line(error)}") from error
        finally:
            for view, _ in spark_query.steps:
                self.spark.catalog.dropTempView(view)
        self._names = list(frame.columns)
        self._rows = [tuple(row) for row in rows]
        self._next = 0
        return self

    @property
    def description(self) -> list[tuple[str, None, None, None, None, None, None]]:
        return [(name, None, None, None, None, None, None) for name in self._names]

    def fetchall(self) -> list[tuple[Any, ...]]:
        rows, self._next = self._rows[self._next :], len(self._rows)
        return rows

    def fetchone(self) -> tuple[Any, ...] | None:
        if self._next >= len(self._rows):
            return None
        self._next += 1
        return self._rows[self._next - 1]

    def register(self, view_name: str, python_object: object) -> SparkSql:
        """``python_object`` (an Arrow table) as the temporary view ``view_name``."""
        if not isinstance(python_object, pa.Table):
            raise RuleError(f"Spark views are made from Arrow tables, not {python_object!r}")
        frame = self.spark.createDataFrame(python_object)
        frame.createOrReplaceTempView(view_name)
        return self

    def unregister(self, view_name: str) -> SparkSql:
        self.spark.catalog.dropTempView(view_name)
        return self


def _first_line(error: BaseException) -> str:
    """The line of Spark's message that says what went wrong (not the JVM stack)."""
    lines = [line.strip() for line in str(error).strip().splitlines() if line.strip()]
    if not lines:
        return type(error).__name__
    if "Python worker" in lines[0] or lines[0].startswith("An error occurred while calling"):
        causes = [
            line
            for line in lines[1:]
            if ("Error" in line or "Exception" in line) and not line.startswith("at ")
        ]
        return causes[0] if causes else lines[0]
    return lines[0]
