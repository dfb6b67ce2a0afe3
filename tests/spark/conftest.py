"""One local SparkSession for the Spark engine's tests (skipped where PySpark or Java is
absent: ``make test-spark`` installs PySpark; Java 17 must be on the machine)."""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

MISSING = (
    "PySpark is not installed (make test-spark installs it)"
    if importlib.util.find_spec("pyspark") is None
    else "Java is not on PATH (the Spark engine needs Java 17+)"
    if shutil.which("java") is None
    else ""
)


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    if MISSING:
        pytest.skip(MISSING)
    from mailscope.spark.session import spark_session

    session = spark_session(
        "local[2]", {"spark.ui.enabled": "false", "spark.sql.shuffle.partitions": "2"}
    )
    yield session
    session.stop()
