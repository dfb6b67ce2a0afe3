"""Every built-in rule's own positive and negative cases, run on Spark: the same rule
status and the same findings, field for field, as on DuckDB."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mailscope.detect.engine import DetectRun, run_detections
from mailscope.detect.registry import builtin_detections
from mailscope.detect.rule import Detection, RuleTest
from mailscope.detect.rule_tests import load_rows
from mailscope.spark.case_parquet import register_views, write_parquet
from mailscope.spark.connection import SparkSql
from mailscope.store.case import open_case

pytestmark = pytest.mark.spark

CASES = [
    pytest.param(detection, test, id=f"{detection.id}:{test.name}")
    for detection in builtin_detections()
    for test in detection.tests
]


def runs(outcome: DetectRun) -> list[tuple[str, str, str, int]]:
    return [(r.rule_id, r.status, r.reason, r.findings) for r in outcome.runs]


@pytest.mark.parametrize(("detection", "test"), CASES)
def test_rule_case_gives_the_same_findings_on_spark(
    spark: Any, tmp_path: Path, detection: Detection, test: RuleTest
) -> None:
    store = open_case(tmp_path / "case", create=True)
    try:
        load_rows(store, test.rows)
        on_duckdb = run_detections(store, [detection], test.baseline_until)
        write_parquet(store, tmp_path / "parquet")
        register_views(spark, str(tmp_path / "parquet"))
        on_spark = run_detections(store, [detection], test.baseline_until, engine=SparkSql(spark))
    finally:
        store.close()
    assert on_duckdb.runs[0].status == "ran"
    assert runs(on_spark) == runs(on_duckdb)
    assert on_spark.findings == on_duckdb.findings
    assert bool(on_spark.findings) == test.fires
