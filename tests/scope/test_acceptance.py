"""Acceptance on simulated tenants: scope.json against truth.json for every scenario and
variant and several seeds (slow); one representative case runs in the default suite."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.scope.acceptance import score, simulate_and_scope

SCENARIOS = [
    ("storm-0558", "mixed"),
    ("storm-0558", "bind"),
    ("storm-0558", "sync"),
    ("storm-0558", "throttled"),
    ("storm-0558", "first-party-app"),
    ("bec-inbox-rule", "mixed"),
    ("oauth-app", "mixed"),
    ("none", "mixed"),
]
SEEDS = (11, 12, 13)


def _check(tmp_path: Path, scenario: str, variant: str, seed: int, **size: int) -> None:
    document, truth = simulate_and_scope(tmp_path, scenario, variant, seed, **size)
    result = score(document, truth)
    assert result.passes(), result
    if scenario == "none":
        assert document["compromised_mailboxes"] == []


def test_storm_0558_mixed_small_tenant(tmp_path: Path) -> None:
    _check(tmp_path, "storm-0558", "mixed", 3, users=30, days=7)


@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("scenario", "variant"), SCENARIOS)
def test_every_scenario_and_variant(tmp_path: Path, scenario: str, variant: str, seed: int) -> None:
    _check(tmp_path, scenario, variant, seed)
