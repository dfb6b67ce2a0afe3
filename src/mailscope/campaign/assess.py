"""From organisations' views to the campaign: linked groups, and each organisation's status.

Organisations with an intrusion are grouped by their links (``links.py``; a link between
any two members joins their groups). The campaign is the largest group (then the one with
more mailboxes, then the earliest); an intrusion outside it is ``unrelated_intrusion``,
never merged. Several intrusions of which no two are linked make no campaign. An
organisation whose case found no intrusion is ``not_hit`` unless its case cannot tell
(nothing read, no mail access, the scope not run, a foreign bundle, mailboxes suspected
on weak links only) or the campaign's
addresses or apps turn up in its records anyway: then ``unknown``, with why.

The retro-hunt also measures: a campaign address or app that ordinary accounts of a
quiet organisation sign in from is shared infrastructure after all (a VPN exit none of
the hit tenants' staff happened to use), so it stops linking and the groups are formed
again without it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from mailscope.campaign.links import Link, Shared, pair_links, shared_infrastructure
from mailscope.campaign.views import OrgView
from mailscope.errors import UsageError

STATUSES = ("hit", "not_hit", "unrelated_intrusion", "unknown")
# (kind, value, records, accounts signing in with it) of a campaign value in one case.
Found = tuple[str, str, int, int]
# (kind -> values) of the campaign -> what one organisation's records hold of them.
Hunter = Callable[[OrgView, dict[str, list[str]]], tuple[Found, ...]]


@dataclass(frozen=True, slots=True)
class Campaign:
    views: tuple[OrgView, ...]  # by name
    status: dict[str, str]
    why: dict[str, str]  # one sentence per organisation: how its status was decided
    members: tuple[str, ...]  # the organisations hit by the campaign
    groups: tuple[tuple[str, ...], ...]  # every linked group of intrusions, campaign first
    links: tuple[Link, ...]
    shared: tuple[Shared, ...]
    hunted: dict[str, list[str]] = field(default_factory=dict)  # values looked for
    # organisation -> (kind, value, records) of campaign values found in its records
    sightings: dict[str, tuple[tuple[str, str, int], ...]] = field(default_factory=dict)

    def view(self, name: str) -> OrgView:
        return next(v for v in self.views if v.name == name)

    def links_of(self, name: str) -> list[tuple[str, Link]]:
        """(other organisation, link) of every link of ``name``."""
        return [
            (link.b if link.a == name else link.a, link)
            for link in self.links
            if name in (link.a, link.b)
        ]


def assess(views: list[OrgView], hunter: Hunter | None = None) -> Campaign:
    """Group, pick the campaign, decide each organisation's status."""
    names = [v.name for v in views]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise UsageError(
            f"two inputs describe the same organisation: {', '.join(repeated)}",
            hint="pass each organisation once (its case folder or its bundle)",
        )
    ordered = sorted(views, key=lambda v: v.name)
    shared = shared_infrastructure(ordered)
    links, groups, members, hunted = _group(ordered, shared)
    found: dict[str, tuple[Found, ...]] = {}
    if hunter is not None and hunted and members:
        quiet = [
            v
            for v in ordered
            if v.intrusion_found is False and not v.unassessed and not v.suspected_mailboxes
        ]
        found = {v.name: hunter(v, hunted) for v in quiet}
        elsewhere: dict[tuple[str, str], list[tuple[str, int]]] = {}
        for name, items in found.items():
            for kind, value, _, accounts in items:
                if accounts > 0:
                    elsewhere.setdefault((kind, value), []).append((name, accounts))
        if elsewhere:
            shared = shared_infrastructure(ordered, elsewhere)
            links, groups, members, hunted = _group(ordered, shared)
    sightings = {
        name: tuple((k, v, n) for k, v, n, _ in items if v in hunted.get(k, ()))
        for name, items in found.items()
    }
    status: dict[str, str] = {}
    why: dict[str, str] = {}
    for view in ordered:
        status[view.name], why[view.name] = _status(view, members, sightings.get(view.name, ()))
    return Campaign(
        tuple(ordered),
        status,
        why,
        members,
        tuple(groups),
        tuple(links),
        tuple(shared),
        hunted,
        {name: items for name, items in sightings.items() if items},
    )


def _group(
    views: list[OrgView], shared: list[Shared]
) -> tuple[list[Link], list[tuple[str, ...]], tuple[str, ...], dict[str, list[str]]]:
    """Links, groups, the campaign's members and its values, from the shared indicators."""
    links = pair_links(views, shared)
    groups = _groups(views, links)
    # No campaign when several intrusions exist and no two of them are linked.
    members = groups[0] if groups and (len(groups[0]) > 1 or len(groups) == 1) else ()
    return links, groups, members, _campaign_values(views, members, shared)


def _groups(views: list[OrgView], links: list[Link]) -> list[tuple[str, ...]]:
    """Connected groups of organisations with an intrusion, the campaign first."""
    parent = {v.name: v.name for v in views if v.intrusion_found}

    def root(name: str) -> str:
        while parent[name] != name:
            parent[name] = parent[parent[name]]
            name = parent[name]
        return name

    for link in links:
        parent[root(link.a)] = root(link.b)
    groups: dict[str, list[str]] = {}
    for name in parent:
        groups.setdefault(root(name), []).append(name)
    by_name = {v.name: v for v in views}

    def rank(members: list[str]) -> tuple[int, int, str, str]:
        boxes = sum(len(by_name[m].mailboxes) for m in members)
        first = min((by_name[m].first_seen for m in members if by_name[m].first_seen), default="~")
        return (-len(members), -boxes, first, min(members))

    return [tuple(sorted(g)) for g in sorted(groups.values(), key=rank)]


def _campaign_values(
    views: list[OrgView], members: tuple[str, ...], shared: list[Shared]
) -> dict[str, list[str]]:
    """The campaign's addresses and apps that may identify it elsewhere."""
    excluded = {(s.kind, s.value) for s in shared if s.excluded}
    values: dict[str, set[str]] = {}
    for view in views:
        if view.name not in members:
            continue
        for trace in view.traces:
            if trace.kind in ("ip", "app") and (trace.kind, trace.value) not in excluded:
                values.setdefault(trace.kind, set()).add(trace.value)
    return {kind: sorted(found) for kind, found in sorted(values.items())}


def _status(
    view: OrgView, members: tuple[str, ...], found: tuple[tuple[str, str, int], ...]
) -> tuple[str, str]:
    if view.name in members:
        if len(members) == 1:
            return "hit", "the only intrusion among the organisations compared"
        return "hit", "linked to the campaign by the evidence under 'links'"
    if view.intrusion_found:
        if not members:
            return "unrelated_intrusion", "no two intrusions share linking evidence: no campaign"
        return "unrelated_intrusion", (
            "an intrusion whose actor shares no linking evidence with the campaign"
        )
    if view.intrusion_found is None or view.unassessed:
        return "unknown", view.unassessed or "its source does not say whether it was hit"
    if view.suspected_mailboxes:
        return "unknown", (
            f"its case suspects {view.suspected_mailboxes} mailbox(es) on weak links only: "
            "no confirmed intrusion, none ruled out"
        )
    if found:
        listed = ", ".join(f"{value} ({records} records)" for _, value, records in found[:5])
        return "unknown", (
            f"its scope found no intrusion, but its records carry the campaign's {listed}: "
            "re-run 'mailscope investigate' with campaign.stix.json as intel"
        )
    return "not_hit", "no intrusion found in a case that could see mail access"
