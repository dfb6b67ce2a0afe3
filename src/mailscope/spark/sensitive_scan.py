"""The sensitive-content scan of exposed messages, distributed on Spark.

The exposed (mailbox, message id) pairs come from the driver's exposure step; they are
few next to ``messages`` (tens of thousands for an intrusion like Storm-0558, against the
millions of stored messages), so Spark joins them to ``messages`` where it lies,
broadcasting them when they are small. :data:`~mailscope.scope.exposed_messages.CONTENT_SQL`
- the same query the case store runs - picks each pair's copy, and each executor scans its
rows' text with the same Presidio analyzer (:func:`~mailscope.scope.sensitive.columns.
scan_column`, as an Arrow UDF). One small struct per exposed message comes back to the
driver - the SSNs found (the driver counts distinct ones across mailboxes, as on the
default engine), hashes and redacted forms - never a message body.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pyarrow as pa

from mailscope.scope.exposed_messages import (
    CONTENT_SQL,
    PAIRS,
    ContentScan,
    ScannedRow,
    scanned_rows,
)
from mailscope.scope.sensitive.columns import SENSITIVITY, scan_column
from mailscope.spark.case_parquet import register_views
from mailscope.spark.dialect import to_spark

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

SENSITIVITY_COLUMN = "sensitivity"


def spark_scan(spark: SparkSession, tables: str) -> ContentScan:
    """A content scan on ``spark`` over the case's tables as Parquet in ``tables``."""
    from pyspark.sql.functions import col
    from pyspark.sql.pandas.functions import arrow_udf
    from pyspark.sql.pandas.types import from_arrow_type

    query = to_spark(CONTENT_SQL, [])
    if query.udfs or query.steps:  # the query is plain SQL; keep it so
        raise ValueError("the content query must run on Spark without DuckDB functions")
    make: Any = arrow_udf  # typed by overloads mypy cannot match to a plain function
    scan_udf = make(_scan_texts, from_arrow_type(SENSITIVITY))

    def scan(pairs: pa.Table) -> list[ScannedRow]:
        register_views(spark, tables, ("messages",))
        spark.createDataFrame(pairs).createOrReplaceTempView(PAIRS)
        try:
            frame = spark.sql(query.text)
            scanned = frame.withColumn(SENSITIVITY_COLUMN, scan_udf(col("text"))).drop("text")
            table = scanned.toArrow()
        finally:
            spark.catalog.dropTempView(PAIRS)
        return scanned_rows(table)

    return scan


def _scan_texts(texts: pa.Array) -> pa.Array:
    """On an executor: what each text of a batch exposes (Spark reads these hints to run
    it as a scalar Arrow UDF)."""
    return scan_column(texts)
