"""Organisations are linked by evidence the actor leaves, never by what every tenant shares."""

from __future__ import annotations

from mailscope.campaign.assess import assess
from mailscope.campaign.links import LINK_AT, pair_links, shared_infrastructure
from tests.campaign.views import ACTOR_APP, EXCHANGE_ONLINE_IP, OWA, PROXY, VPN_EXIT, trace, view

BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/113.0"


def _links(*views: object) -> list[object]:
    listed = list(views)
    return pair_links(listed, shared_infrastructure(listed))  # type: ignore[arg-type]


def test_one_dedicated_proxy_address_links_two_organisations() -> None:
    a = view("a.example", trace("ip", PROXY))
    b = view("b.example", trace("ip", PROXY), trace("ip", "45.77.1.2"))
    (link,) = _links(a, b)
    kinds = sorted(e.kind for e in link.evidence)
    assert kinds == ["ip", "technique"]
    assert link.score == 1.25 and link.strength == "moderate"
    ip = next(e for e in link.evidence if e.kind == "ip")
    assert ip.here is not None and ip.here.record_keys == (f"{PROXY}|key",)


def test_microsoft_and_vpn_infrastructure_alone_never_link() -> None:
    """Two intrusions whose actors share only Exchange Online's address, a commercial VPN exit
    staff also sign in from, One Outlook Web and a common browser: two organisations."""
    shared = (
        trace("ip", EXCHANGE_ONLINE_IP),
        trace("ip", VPN_EXIT, ordinary=3),
        trace("app", OWA),
        trace("user_agent", BROWSER, ordinary=25),
    )
    a = view("a.example", *shared, rules=("MS-INBOX-RULE-BEC",))
    b = view("b.example", *shared, rules=("MS-INBOX-RULE-BEC",))
    assert _links(a, b) == []
    infra = {s.value: s.excluded for s in shared_infrastructure([a, b])}
    assert "Microsoft service" in infra[EXCHANGE_ONLINE_IP]
    assert "ordinary accounts" in infra[VPN_EXIT]
    assert infra[OWA] == "a Microsoft app"
    assert "ordinary accounts" in infra[BROWSER]
    campaign = assess([a, b])
    assert len(campaign.groups) == 2 and campaign.members == ()
    assert set(campaign.status.values()) == {"unrelated_intrusion"}


def test_one_tenant_whose_staff_use_the_address_is_enough_to_exclude_it() -> None:
    a = view("a.example", trace("ip", VPN_EXIT, ordinary=0))
    b = view("b.example", trace("ip", VPN_EXIT, ordinary=1))
    assert _links(a, b) == []


def test_the_same_multi_tenant_app_links_but_a_first_party_app_does_not() -> None:
    assert (
        len(
            _links(
                view("a.example", trace("app", ACTOR_APP)),
                view("b.example", trace("app", ACTOR_APP)),
            )
        )
        == 1
    )
    assert (
        _links(
            view("a.example", trace("app", OWA)),
            view("b.example", trace("app", OWA)),
        )
        == []
    )


def test_a_rare_client_string_needs_a_second_piece_of_evidence() -> None:
    rest = "Client=REST;Client=RESTSystem;;"
    alone = _links(
        view("a.example", trace("user_agent", rest)), view("b.example", trace("user_agent", rest))
    )
    assert alone == []  # 0.5 + the shared technique 0.25 stays below the link
    with_network = _links(
        view("a.example", trace("user_agent", rest), trace("ip", "45.77.141.52")),
        view("b.example", trace("user_agent", rest), trace("ip", "45.77.141.60")),
    )
    (link,) = with_network
    assert sorted(e.kind for e in link.evidence) == ["network", "technique", "user_agent"]
    assert link.score >= LINK_AT


def test_a_client_string_of_unknown_prevalence_does_not_link() -> None:
    rest = "Client=REST;Client=RESTSystem;;"
    a = view("a.example", trace("user_agent", rest, ordinary=-1), trace("ip", "45.77.141.52"))
    b = view("b.example", trace("user_agent", rest, ordinary=-1), trace("ip", "45.77.141.60"))
    assert _links(a, b) == []


def test_suspected_or_far_apart_sightings_weigh_half() -> None:
    suspected = _links(
        view("a.example", trace("ip", PROXY, tier="suspected")),
        view("b.example", trace("ip", PROXY)),
    )
    assert suspected == []  # 0.5 + 0.25
    late = trace("ip", PROXY, first="2024-03-01T00:00:00Z", last="2024-03-02T00:00:00Z")
    assert _links(view("a.example", trace("ip", PROXY)), view("b.example", late)) == []


def test_the_forged_token_technique_alone_does_not_link() -> None:
    assert (
        _links(view("a.example", trace("ip", PROXY)), view("b.example", trace("ip", "45.77.9.9")))
        == []
    )
