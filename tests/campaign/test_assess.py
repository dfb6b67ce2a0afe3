"""Each organisation's status: hit (in the campaign), unrelated, not hit, unknown."""

from __future__ import annotations

from dataclasses import replace

import pytest

from mailscope.campaign.assess import Found, assess
from mailscope.campaign.views import OrgView
from mailscope.errors import UsageError
from tests.campaign.views import ACTOR_APP, PROXY, trace, view


def _chain() -> list[OrgView]:
    """a-b share a proxy, b-c an app id; a and c share nothing: one campaign of three."""
    return [
        view("a.example", trace("ip", PROXY)),
        view("b.example", trace("ip", PROXY), trace("app", ACTOR_APP)),
        view("c.example", trace("app", ACTOR_APP), trace("ip", "45.77.3.3")),
        view("bec.example", trace("ip", "102.89.45.17"), rules=("MS-INBOX-RULE-BEC",), boxes=1),
        view("quiet.example", found=False),
    ]


def test_a_chain_of_links_is_one_campaign_and_the_other_intrusion_stays_apart() -> None:
    campaign = assess(_chain())
    assert campaign.members == ("a.example", "b.example", "c.example")
    assert campaign.status == {
        "a.example": "hit",
        "b.example": "hit",
        "c.example": "hit",
        "bec.example": "unrelated_intrusion",
        "quiet.example": "not_hit",
    }
    assert campaign.groups == (("a.example", "b.example", "c.example"), ("bec.example",))
    assert [other for other, _ in campaign.links_of("a.example")] == ["b.example"]


def test_a_case_that_cannot_see_mail_access_is_unknown_not_clean() -> None:
    views = [*_chain()[:3], view("blind.example", found=False, unassessed="no mail access")]
    assert assess(views).status["blind.example"] == "unknown"
    foreign = [*_chain()[:3], view("shared.example", found=None)]
    assert assess(foreign).status["shared.example"] == "unknown"
    weak = [*_chain()[:3], replace(view("weak.example", found=False), suspected_mailboxes=1)]
    campaign = assess(weak)
    assert campaign.status["weak.example"] == "unknown"
    assert "suspects 1 mailbox(es)" in campaign.why["weak.example"]


def test_campaign_values_in_a_quiet_case_make_it_unknown() -> None:
    seen: list[dict[str, list[str]]] = []

    def hunter(org: OrgView, values: dict[str, list[str]]) -> tuple[Found, ...]:
        seen.append(values)
        return (("ip", PROXY, 7, 0),) if org.name == "quiet.example" else ()

    campaign = assess(_chain(), hunter)
    assert campaign.status["quiet.example"] == "unknown"
    assert "185.38.142.229 (7 records)" in campaign.why["quiet.example"]
    assert campaign.sightings == {"quiet.example": (("ip", PROXY, 7),)}
    assert seen[0] == {"app": [ACTOR_APP], "ip": ["185.38.142.229", "45.77.3.3"]}


def test_the_larger_group_is_the_campaign() -> None:
    views = [
        view("a.example", trace("ip", PROXY)),
        view("b.example", trace("ip", PROXY)),
        view("c.example", trace("ip", "45.77.3.3")),
        view("d.example", trace("ip", "45.77.3.3")),
        view("e.example", trace("ip", "45.77.3.3")),
    ]
    campaign = assess(views)
    assert campaign.members == ("c.example", "d.example", "e.example")
    assert campaign.status["a.example"] == campaign.status["b.example"] == "unrelated_intrusion"


def test_the_same_organisation_twice_is_refused() -> None:
    with pytest.raises(UsageError, match=r"same organisation: a\.example"):
        assess([view("a.example"), view("a.example")])


def test_a_campaign_address_quiet_staff_sign_in_from_stops_linking() -> None:
    """The only link a-b is an address; a quiet tenant's staff sign in from it: a VPN exit."""
    views = [
        view("a.example", trace("ip", PROXY)),
        view("b.example", trace("ip", PROXY)),
        view("quiet.example", found=False),
    ]

    def hunter(org: OrgView, values: dict[str, list[str]]) -> tuple[Found, ...]:
        return (("ip", PROXY, 31, 2),)

    campaign = assess(views, hunter)
    assert campaign.links == ()
    assert campaign.status["quiet.example"] == "not_hit"
    (item,) = campaign.shared
    assert "quiet.example (2)" in item.excluded
    assert campaign.status["a.example"] == campaign.status["b.example"] == "unrelated_intrusion"
