"""Two real staged intrusions (../shared/samples/labs) compared as two organisations.

otrf-goldensaml (SimuLand: a forged SAML token, an app armed with a secret reading one
mailbox) and det-eng-samples (admin abuse in a contoso tenant, no MailItemsAccessed at
all) share no actor: nothing links them, and the second cannot say which mail was read.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mailscope.campaign.assess import assess
from mailscope.campaign.case import read_case
from mailscope.detect.engine import detect_case
from mailscope.ingest.pipeline import ingest
from mailscope.scope.run import scope_case
from tests.paths import sample


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    built = []
    for lab in ("otrf-goldensaml", "det-eng-samples"):
        evidence = sample(f"labs/{lab}")
        case = tmp_path_factory.mktemp(lab) / "case"
        ingest(case, [evidence])
        detect_case(case)
        scope_case(case)
        built.append(case)
    return built


def test_two_unrelated_real_labs_are_not_linked(cases: list[Path]) -> None:
    campaign = assess([read_case(case) for case in cases])
    assert campaign.links == ()
    assert campaign.status == {"simulandlabs.com": "hit", "contoso.onmicrosoft.com": "unknown"}
    assert "No mailbox-access evidence" in campaign.why["contoso.onmicrosoft.com"]
    golden = campaign.view("simulandlabs.com")
    assert [m.upn for m in golden.mailboxes] == ["pgustavo@simulandlabs.com"]
    apps = {t.value for t in golden.traces if t.kind == "app"}
    assert "5a95e683-08ad-424e-a441-1d1aec52c02c" in apps
