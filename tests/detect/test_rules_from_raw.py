"""Every built-in rule's own test cases, from the raw exports they stand for: written as the
real export shapes (``raw_exports.py``), read by the real readers, then the rule. A reader
change that drops or renames a field a rule needs fails here even when the rule's fast
normalised-row test (``test_rule_events.py``) stays green."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailscope.detect.registry import builtin_detections
from mailscope.detect.rule import Detection, RuleTest
from mailscope.detect.rule_tests import run_loaded
from mailscope.ingest.pipeline import ingest
from mailscope.store.case import open_case
from tests.detect.raw_exports import EXPORTED_TABLES, write_exports

CASES = [
    pytest.param(detection, test, id=f"{detection.id}:{test.name}")
    for detection in builtin_detections()
    for test in detection.tests
]


def test_every_table_a_rule_test_fills_has_an_export() -> None:
    tables = {table for _, test in (c.values for c in CASES) for table in test.rows}  # type: ignore[attr-defined]
    assert tables <= EXPORTED_TABLES


@pytest.mark.parametrize(("detection", "test"), CASES)
def test_rule_event_from_raw_exports(detection: Detection, test: RuleTest, tmp_path: Path) -> None:
    files = write_exports(test.rows, tmp_path / "evidence")
    run = ingest(tmp_path / "case", files)
    assert run.quarantined == 0, [f.note for f in run.files]  # every record read
    assert run.records == sum(f.parsed for f in run.files) + run.skipped
    connection = open_case(tmp_path / "case")
    try:
        result = run_loaded(connection, detection, test)
    finally:
        connection.close()
    assert result.passed, result.problem
