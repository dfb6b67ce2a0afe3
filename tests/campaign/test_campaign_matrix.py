"""More simulated campaigns: six organisations on other seeds, and twenty-five (slow).

Run with ``make test-campaign``. Each organisation has 60 people over 14 days so that 25
of them investigate in a few minutes on two cores; ``bench/campaign.py`` runs the full
size (200 people, 21 days).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.campaign.pipeline import end_to_end

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(("orgs", "seed"), [(6, 2), (6, 3), (25, 1), (25, 2)])
def test_simulated_campaign_matches_its_truth(tmp_path: Path, orgs: int, seed: int) -> None:
    outcome = end_to_end(tmp_path, orgs=orgs, seed=seed, users=60, days=14, bundles=2)
    assert outcome.errors == []
    assert outcome.document["summary"]["hit"] >= 2
