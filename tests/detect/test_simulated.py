"""On small simulated tenants every scenario is detected on the actor's entities and the
benign look-alikes (archiver, traveller, new laptop, delegate, throttled heavy user)
raise no high-severity finding."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailscope.detect.engine import detect_case
from mailscope.ingest.pipeline import ingest
from mailscope.simulate import SimConfig, simulate
from tests.detect.simulated import evidence_paths, score

SMALL = {"users": 40, "days": 10, "seed": 11}


@pytest.mark.slow
@pytest.mark.parametrize("scenario", ["storm-0558", "bec-inbox-rule", "oauth-app", "none"])
def test_scenario_detected_and_lookalikes_quiet(scenario: str, tmp_path: Path) -> None:
    sim = tmp_path / "sim"
    simulate(SimConfig(out=sim, scenario=scenario, **SMALL))  # type: ignore[arg-type]
    case = tmp_path / "case"
    ingest(case, evidence_paths(sim))
    run = detect_case(case)
    assert run.by_status("error") == []
    result = score(sim, run)
    assert result.detected, f"{scenario}: no high finding on the actor's entities"
    assert result.recall == 1.0 or scenario == "bec-inbox-rule"
    assert result.distractor_hits == ()
    if scenario == "none":
        high = [f.rule_id for f in run.findings if f.severity in ("high", "critical")]
        assert high == []
