"""``campaign.stix.json``: the campaign as one STIX 2.1 bundle for MISP and OpenCTI.

One ``campaign`` object; each organisation it hit as an ``identity`` the campaign
``targets``; each indicator that links organisations (never an excluded one) ``indicates``
the campaign, with a ``sighting`` per organisation; per organisation an ``observed-data``
of the actor's addresses and the mailboxes read there. Ids are UUIDv5 of content and
timestamps come from the evidence: the same inputs give the same bytes.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import stix2

from mailscope.campaign.assess import Campaign
from mailscope.campaign.views import OrgView, Trace
from mailscope.report.stix_out import (
    bundle_text,
    indicator_pattern,
    stix_id,
    stix_time,
    tool_identity,
)
from mailscope.report.visible import one_line

STIX_FILE = "campaign.stix.json"
_EPOCH = stix_time("")


def build_bundle(campaign: Campaign) -> stix2.Bundle:
    members = [campaign.view(name) for name in campaign.members]
    first = min((stix_time(v.first_seen) for v in members if v.first_seen), default=_EPOCH)
    last = max((stix_time(v.last_seen) for v in members if v.last_seen), default=first)
    common = {"created": last, "modified": last}
    tool = tool_identity(common)
    by = {"created_by_ref": tool.id, **common}
    key = "|".join(campaign.members)
    boxes = sum(len(v.mailboxes) for v in members)
    entity = stix2.Campaign(
        id=stix_id("campaign", key),
        name=one_line(f"Mail-access campaign across {len(members)} organisations"),
        description=one_line(
            f"{len(members)} organisations, {boxes} mailboxes, "
            f"{sum(v.exposed_messages for v in members)} messages read (mailscope campaign)."
        ),
        first_seen=first,
        last_seen=max(last, first + timedelta(seconds=1)),
        objective="collection of e-mail",
        **by,
    )
    objects: list[object] = [tool, entity]
    victims: dict[str, str] = {}
    for view in members:
        victim = stix2.Identity(
            id=stix_id("identity", "victim", view.name),
            name=one_line(view.name),
            identity_class="organization",
            **by,
        )
        victims[view.name] = victim.id
        objects += [victim, _relationship("targets", entity.id, victim.id, by)]
        objects += _observed(view, by)
    linking = [s for s in campaign.shared if not s.excluded and set(s.organisations) & set(victims)]
    for item in linking:
        pattern = indicator_pattern(item.kind, item.value)
        if pattern is None:
            continue
        traces = [(name, t) for name, t in item.traces if name in victims]
        start = min(stix_time(t.first_seen) for _, t in traces)
        end = max(max(stix_time(t.last_seen) for _, t in traces), start + timedelta(seconds=1))
        indicator = stix2.Indicator(
            id=stix_id("indicator", pattern, key),
            name=one_line(f"Campaign {item.kind} {item.value}"),
            description=one_line(f"Used by the actor in {', '.join(n for n, _ in traces)}"),
            indicator_types=["malicious-activity"],
            pattern=pattern,
            pattern_type="stix",
            valid_from=start,
            valid_until=end,
            **by,
        )
        objects += [indicator, _relationship("indicates", indicator.id, entity.id, by)]
        objects += [_sighting(indicator.id, victims[name], t, by) for name, t in traces]
    return stix2.Bundle(
        objects=objects,
        id=stix_id("bundle", entity.id, *(o.id for o in objects)),  # type: ignore[attr-defined]
    )


def _relationship(kind: str, source: str, target: str, by: dict[str, object]) -> stix2.Relationship:
    return stix2.Relationship(
        id=stix_id("relationship", kind, source, target),
        relationship_type=kind,
        source_ref=source,
        target_ref=target,
        **by,
    )


def _sighting(indicator: str, victim: str, trace: Trace, by: dict[str, object]) -> stix2.Sighting:
    start = stix_time(trace.first_seen)
    return stix2.Sighting(
        id=stix_id("sighting", indicator, victim),
        sighting_of_ref=indicator,
        where_sighted_refs=[victim],
        first_seen=start,
        last_seen=max(stix_time(trace.last_seen), start + timedelta(seconds=1)),
        count=min(max(trace.records, 1), 999_999_999),
        **by,
    )


def _observed(view: OrgView, by: dict[str, object]) -> list[object]:
    """The actor's addresses and the mailboxes read in one organisation."""
    scos: list[object] = [
        stix2.IPv4Address(value=t.value) if ":" not in t.value else stix2.IPv6Address(value=t.value)
        for t in view.traces
        if t.kind == "ip"
    ]
    scos += [stix2.UserAccount(user_id=m.upn, account_login=m.upn) for m in view.mailboxes]
    if not scos:
        return []
    start = stix_time(view.first_seen)
    observed = stix2.ObservedData(
        id=stix_id("observed-data", "campaign", view.name),
        first_observed=start,
        last_observed=max(stix_time(view.last_seen), start),
        number_observed=max(1, sum(t.records for t in view.traces if t.kind == "ip")),
        object_refs=[o.id for o in scos],  # type: ignore[attr-defined]
        **by,
    )
    return [*scos, observed]


def write_stix(campaign: Campaign, out: Path) -> Path:
    path = out / STIX_FILE
    path.write_text(bundle_text(build_bundle(campaign)) + "\n", encoding="utf-8")
    return path
