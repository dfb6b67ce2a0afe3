"""A simulated campaign of six organisations, investigated one case each, then compared.

The default suite runs one seed (about a minute); ``make test-campaign`` runs more seeds,
and 25 organisations (marked slow). Two hit organisations take part by their indicator
bundles alone. Every status and every mailbox list must equal the simulator's truth.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from stix2validator import ValidationOptions, validate_string

from mailscope.campaign.document import validate_document
from tests.campaign.pipeline import Outcome, end_to_end, truth


@pytest.fixture(scope="module")
def campaign(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Outcome]:
    out = tmp_path_factory.mktemp("campaign6")
    return out, end_to_end(out, orgs=6, seed=1, users=60, days=14, bundles=2)


def test_every_organisation_has_its_true_status_and_mailboxes(
    campaign: tuple[Path, Outcome],
) -> None:
    out, outcome = campaign
    assert outcome.errors == []
    statuses = sorted(o["status"] for o in truth(out)["organisations"])
    assert statuses == ["hit", "hit", "hit", "not_hit", "not_hit", "unrelated_intrusion"]
    kinds = {o["name"]: o["source_kind"] for o in outcome.document["organisations"]}
    assert sorted(kinds.values()) == ["bundle", "bundle", "case", "case", "case", "case"]


def test_the_vpn_exit_both_actors_used_does_not_link_the_unrelated_intrusion(
    campaign: tuple[Path, Outcome],
) -> None:
    """Seed 1: the unrelated intruder and the campaign both read through the same M247
    exit, which staff of these tenants sign in from too."""
    _, outcome = campaign
    document = outcome.document
    unrelated = next(o for o in document["organisations"] if o["status"] == "unrelated_intrusion")
    assert unrelated["links"] == []
    exit_ = next(s for s in document["shared_infrastructure"] if s["value"] == "146.70.199.84")
    assert unrelated["name"] in [o["name"] for o in exit_["organisations"]]
    assert len(exit_["organisations"]) == 2 and exit_["links"] is False
    assert "ordinary accounts" in exit_["excluded"]


def test_the_outputs_validate(campaign: tuple[Path, Outcome]) -> None:
    out, outcome = campaign
    validate_document(outcome.document)
    text = (out / "campaign" / "campaign.stix.json").read_text("utf-8")
    assert validate_string(text, ValidationOptions(version="2.1")).is_valid
    page = (out / "campaign" / "campaign.html").read_text("utf-8")
    assert outcome.document["summary"]["headline"] in page
