"""Which organisations the same actor reached: links from evidence the actor leaves.

Two organisations are linked only by what their actors share and their ordinary users do
not: the same address (or /24, /48 network) read from, the same app id, a client string
no ordinary account of either uses, and the same forged-token technique. Microsoft's
addresses and apps, and anything the staff of any compared tenant also use (a VPN exit, a
cloud proxy, a browser, a vendor's app: ``report/prevalence.py``), never link.

Each piece of evidence carries a weight; a pair is linked at ``LINK_AT`` (one exact
address or app id is enough, a client string or a shared network needs a second piece).
"""

from __future__ import annotations

import ipaddress
import itertools
from dataclasses import dataclass
from datetime import datetime

from mailscope.campaign.views import OrgView, Trace
from mailscope.intel.addresses import identifies
from mailscope.scope.combos import third_party

WEIGHTS = {"ip": 1.0, "app": 1.0, "user_agent": 0.5, "network": 0.5, "technique": 0.25}
LINK_AT = 1.0
STRONG_AT = 2.0
FAR_APART_DAYS = 120  # an address seen this far apart may have changed hands: half weight
# Rules that fire on tokens no sign-in issued: the forged-token technique itself.
FORGED_TOKEN_RULES = frozenset({"MS-TOKEN-NO-SIGNIN", "MS-GRAPH-NO-SIGNIN"})


@dataclass(frozen=True, slots=True)
class Shared:
    """One indicator value with the organisations whose actor used it."""

    kind: str
    value: str
    traces: tuple[tuple[str, Trace], ...]  # (organisation, trace), by organisation
    excluded: str  # why it may not link organisations ('' when it may)

    @property
    def organisations(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.traces)


@dataclass(frozen=True, slots=True)
class Evidence:
    """One reason two organisations are linked."""

    kind: str  # 'ip' | 'app' | 'user_agent' | 'network' | 'technique'
    value: str
    weight: float
    here: Trace | None  # the trace in the first organisation of the link
    there: Trace | None
    note: str


@dataclass(frozen=True, slots=True)
class Link:
    a: str
    b: str
    score: float
    evidence: tuple[Evidence, ...]

    @property
    def strength(self) -> str:
        return "strong" if self.score >= STRONG_AT else "moderate"


def shared_infrastructure(
    views: list[OrgView], elsewhere: dict[tuple[str, str], list[tuple[str, int]]] | None = None
) -> list[Shared]:
    """Every actor indicator of the organisations with an intrusion, with who used it;
    ``elsewhere``: values that ordinary accounts of quiet organisations sign in with
    (organisation, accounts), found by the retro-hunt."""
    by_value: dict[tuple[str, str], list[tuple[str, Trace]]] = {}
    for view in views:
        if not view.intrusion_found:
            continue
        for trace in view.traces:
            by_value.setdefault((trace.kind, trace.value), []).append((view.name, trace))
    shared = [
        Shared(
            kind,
            value,
            tuple(sorted(traces, key=lambda t: t[0])),
            _excluded(kind, value, traces, (elsewhere or {}).get((kind, value), [])),
        )
        for (kind, value), traces in by_value.items()
    ]
    return sorted(shared, key=lambda s: (-len(s.traces), s.kind, s.value))


def _excluded(
    kind: str, value: str, traces: list[tuple[str, Trace]], elsewhere: list[tuple[str, int]]
) -> str:
    if kind == "ip" and not identifies(value):
        return "a Microsoft service or non-public address"
    if kind == "app" and not third_party(value):
        return "a Microsoft app"
    common = [(name, t.ordinary_accounts) for name, t in traces if t.ordinary_accounts > 0]
    common += elsewhere
    if common:
        where = ", ".join(f"{n} ({count})" for n, count in common)
        return f"also used by ordinary accounts in {where}: shared infrastructure"
    if kind == "user_agent" and all(t.ordinary_accounts < 0 for _, t in traces):
        return "how common it is in those tenants is not known (bundles from another tool)"
    return ""


def pair_links(views: list[OrgView], shared: list[Shared]) -> list[Link]:
    """Links between every two organisations with an intrusion, strongest first."""
    usable = [s for s in shared if not s.excluded]
    hit = sorted((v for v in views if v.intrusion_found), key=lambda v: v.name)
    links = []
    for a, b in itertools.combinations(hit, 2):
        evidence = _exact(a.name, b.name, usable)
        evidence += _networks(a.name, b.name, usable, {e.value for e in evidence})
        evidence += _technique(a, b)
        score = round(sum(e.weight for e in evidence), 3)
        if score >= LINK_AT:
            links.append(Link(a.name, b.name, score, tuple(evidence)))
    return sorted(links, key=lambda link: (-link.score, link.a, link.b))


def _exact(a: str, b: str, usable: list[Shared]) -> list[Evidence]:
    found = []
    for item in usable:
        traces = dict(item.traces)
        if a in traces and b in traces:
            here, there = traces[a], traces[b]
            weight, note = WEIGHTS[item.kind], f"the actor's {item.kind} in both"
            if "suspected" in (here.tier, there.tier):
                weight, note = weight / 2, note + " (suspected tier in one: half weight)"
            if _days_apart(here, there) > FAR_APART_DAYS:
                weight, note = weight / 2, note + f" (over {FAR_APART_DAYS} days apart)"
            found.append(Evidence(item.kind, item.value, weight, here, there, note))
    return found


def _networks(a: str, b: str, usable: list[Shared], exact: set[str]) -> list[Evidence]:
    """Different actor addresses in the same /24 (IPv4) or /48 (IPv6): once per network."""
    nets: dict[str, dict[str, Trace]] = {}
    for item in usable:
        if item.kind != "ip" or item.value in exact:
            continue
        network = _network(item.value)
        for name, trace in item.traces:
            if name in (a, b) and network:
                nets.setdefault(network, {}).setdefault(name, trace)
    return [
        Evidence("network", net, WEIGHTS["network"], seen[a], seen[b], "actor addresses here")
        for net, seen in sorted(nets.items())
        if a in seen and b in seen and seen[a].value != seen[b].value
    ]


def _network(value: str) -> str:
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return ""
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def _technique(a: OrgView, b: OrgView) -> list[Evidence]:
    common = sorted(FORGED_TOKEN_RULES & set(a.rules) & set(b.rules))
    if not common:
        return []
    return [
        Evidence(
            "technique",
            ", ".join(common),
            WEIGHTS["technique"],
            None,
            None,
            "mail read with tokens no sign-in issued, in both",
        )
    ]


def _days_apart(here: Trace, there: Trace) -> float:
    try:
        spans = [(_parse(t.first_seen), _parse(t.last_seen or t.first_seen)) for t in (here, there)]
    except ValueError:
        return 0.0
    (s1, e1), (s2, e2) = spans
    gap = max(s1, s2) - min(e1, e2)
    return max(0.0, gap.total_seconds() / 86400)


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text.removesuffix("Z"))
