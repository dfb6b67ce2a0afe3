"""The SparkSession mailscope runs on: local mode by default, any cluster by master URL.

Settings every mailscope query relies on are fixed here: UTC session time and
``TIMESTAMP_NTZ`` timestamps (the store's times are UTC without a zone, as DuckDB keeps
them), and Python workers running this interpreter in local mode (they evaluate the
DuckDB functions of :mod:`mailscope.spark.duckdb_udfs`). ``conf`` adds or overrides any
other setting; ``SPARK_*`` environment settings apply as Spark reads them.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING

from mailscope.errors import UsageError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

DEFAULT_MASTER = "local[*]"
REQUIRED = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.timestampType": "TIMESTAMP_NTZ",
}
DEFAULTS = {
    "spark.sql.shuffle.partitions": "8",
    "spark.ui.showConsoleProgress": "false",
    # Spark logs every failed query at ERROR; mailscope reports it as the rule's error.
    "spark.log.level": "FATAL",
}


def spark_session(master: str | None = None, conf: Mapping[str, str] | None = None) -> SparkSession:
    """A SparkSession for mailscope (``master`` defaults to ``local[*]``)."""
    require_pyspark()
    from pyspark.sql import SparkSession

    target = master or os.environ.get("MAILSCOPE_SPARK_MASTER") or DEFAULT_MASTER
    local = local_defaults() if target.startswith("local") else {}
    builder = SparkSession.builder.master(target).appName("mailscope")
    for key, value in {**DEFAULTS, **local, **(conf or {}), **REQUIRED}.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def local_defaults() -> dict[str, str]:
    """Settings for local mode, where the driver's JVM is the only executor: Python
    workers run this interpreter, and the JVM gets half the machine's memory unless
    ``SPARK_DRIVER_MEMORY`` says otherwise (Spark's default of 1 GiB died on a case of
    ten million records)."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    if os.environ.get("SPARK_DRIVER_MEMORY"):
        return {}
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # not a POSIX system: Spark's default
        return {}
    return {"spark.driver.memory": f"{max(1, total // 2**31)}g"}


def require_pyspark() -> None:
    """A clear error, saying how to install it, when PySpark is missing."""
    try:
        import pyspark  # noqa: F401
    except ImportError as error:
        raise UsageError(
            "the Spark engine needs PySpark: pip install 'mailscope[spark]' (and Java 17+)"
        ) from error
