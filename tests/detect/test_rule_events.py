"""Every built-in detection proves itself on the positive and negative events it carries."""

from __future__ import annotations

import pytest

from mailscope.detect.registry import builtin_detections
from mailscope.detect.rule import Detection, RuleTest
from mailscope.detect.rule_tests import run_rule_test

DETECTIONS = builtin_detections()
CASES = [
    pytest.param(detection, test, id=f"{detection.id}:{test.name}")
    for detection in DETECTIONS
    for test in detection.tests
]


@pytest.mark.parametrize("detection", DETECTIONS, ids=lambda d: d.id)
def test_every_rule_has_a_positive_and_a_negative_case(detection: Detection) -> None:
    assert any(t.fires for t in detection.tests), "no positive test event"
    assert any(not t.fires for t in detection.tests), "no negative test event"


@pytest.mark.parametrize(("detection", "test"), CASES)
def test_rule_event(detection: Detection, test: RuleTest) -> None:
    result = run_rule_test(detection, test)
    assert result.passed, result.problem
    for finding in result.findings:
        assert 0.0 <= finding.confidence <= 1.0
        assert finding.explanation and "\n" not in finding.explanation
        assert finding.evidence_keys, "a finding must rest on evidence records"
