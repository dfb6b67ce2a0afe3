"""A case and the indicator bundle its report writes give the campaign the same view."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from mailscope.campaign.bundle import read_bundle
from mailscope.campaign.case import hunt, read_case
from mailscope.campaign.run import read_inputs
from mailscope.errors import UsageError
from mailscope.report.render import report_case
from tests.report.build_case import build_case
from tests.report.tenant import ACTOR_APP, ACTOR_IPS, VICTIMS

FIXTURES = Path(__file__).resolve().parent.parent / "intel" / "fixtures"


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("campaign") / "case-storm"
    build_case(folder)
    report_case(folder, ("stix",))
    return folder


def test_the_case_and_its_bundle_agree(case: Path) -> None:
    from_case = read_case(case)
    from_bundle = read_bundle(case / "report" / "iocs.stix.json")
    assert from_case.source_kind == "case" and from_bundle.source_kind == "bundle"
    plain = tuple(replace(t, record_keys=()) for t in from_case.traces)
    assert plain == from_bundle.traces
    same = ("name", "intrusion_found", "unassessed", "mailboxes", "exposed_messages")
    for name in (*same, "rules", "techniques", "blind_spots"):
        assert getattr(from_case, name) == getattr(from_bundle, name), name
    assert from_case.name == "ministry.example"
    assert from_case.intrusion_found is True
    assert {m.upn for m in from_case.mailboxes} == {upn for upn, _, _ in VICTIMS}
    kinds = {(t.kind, t.value) for t in from_case.traces}
    assert ("ip", "203.0.113.7") in kinds and ("app", ACTOR_APP) in kinds


def test_the_case_names_the_records_behind_each_address(case: Path) -> None:
    traces = {t.value: t for t in read_case(case).traces if t.kind == "ip"}
    assert set(traces) == set(ACTOR_IPS)
    for trace in traces.values():
        assert trace.record_keys and trace.ordinary_accounts >= 0


def test_the_retro_hunt_counts_records_and_sign_ins(case: Path) -> None:
    found = hunt(case, {"ip": ["203.0.113.7", "192.0.2.250"], "app": ["0000-not-an-app"]})
    by_value = {(kind, value): (records, accounts) for kind, value, records, accounts in found}
    assert by_value[("ip", "203.0.113.7")][0] > 0
    assert set(by_value) == {("ip", "203.0.113.7")}


def test_a_bundle_from_another_tool_is_read_without_guessing() -> None:
    view = read_bundle(FIXTURES / "opencti_bundle.json")
    assert view.traces and all(t.ordinary_accounts == -1 for t in view.traces)
    assert view.intrusion_found is True and view.mailboxes == ()
    assert "no mailscope verdict" in view.unassessed


def test_what_is_not_a_bundle_or_a_case_is_refused(tmp_path: Path) -> None:
    junk = tmp_path / "junk.json"
    junk.write_text('{"type": "not-a-bundle"}', "utf-8")
    with pytest.raises(UsageError, match=r"not a STIX 2\.1 bundle"):
        read_bundle(junk)
    with pytest.raises(UsageError, match="not a case folder"):
        read_inputs([tmp_path], [])
