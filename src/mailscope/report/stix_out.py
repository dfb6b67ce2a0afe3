"""``iocs.stix.json``: the actor's indicators as a STIX 2.1 bundle (built with ``stix2``).

Indicators for the actor's IP addresses and user agents carry validity windows (first to
last sighting), each with a sighting at the investigated organisation; an infrastructure
object groups them, an incident and a report object tie the bundle together. Ids are
UUIDv5 from content and timestamps come from the evidence, never the wall clock, so the
same case gives a byte-identical bundle.
"""

from __future__ import annotations

import ipaddress
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import stix2

from mailscope import __version__
from mailscope.intel.attack import attack_techniques
from mailscope.report.records import ReportData
from mailscope.report.visible import one_line

STIX_NAME = "iocs.stix.json"
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "stix.mailscope.invalid")
EPOCH = datetime(1970, 1, 1)


@dataclass(frozen=True, slots=True)
class Observable:
    """An actor IP or user agent with its sighting window and record count."""

    kind: str  # 'ip' | 'user_agent'
    value: str
    first_seen: datetime
    last_seen: datetime
    records: int
    reason: str


def stix_id(kind: str, *parts: str) -> str:
    """Deterministic ``kind--uuid5`` from the object's identifying content."""
    return f"{kind}--{uuid.uuid5(NAMESPACE, '|'.join((kind, *parts)))}"


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC)


def pattern_literal(value: str) -> str:
    """A STIX patterning string literal: backslash and quote escaped."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _pattern(item: Observable) -> str | None:
    if item.kind == "user_agent":
        path = "network-traffic:extensions.'http-request-ext'.request_header.'User-Agent'"
        return f"[{path} = {pattern_literal(item.value)}]"
    try:
        address = ipaddress.ip_address(item.value)
    except ValueError:
        return None  # not an address (a hostname or garbage): no indicator rather than a wrong one
    sco = "ipv4-addr" if address.version == 4 else "ipv6-addr"
    return f"[{sco}:value = {pattern_literal(str(address))}]"


def observables(data: ReportData, fallback: tuple[datetime, datetime]) -> list[Observable]:
    """Actor IPs and user agents from scope_actor, else from scope.json with the case window."""
    found = [
        Observable(
            a.kind,
            a.value,
            a.first_seen or fallback[0],
            a.last_seen or fallback[1],
            a.records,
            a.reason,
        )
        for a in data.actor
        if a.kind in ("ip", "user_agent") and a.value
    ]
    if not found:
        for key, kind in (("ips", "ip"), ("user_agents", "user_agent")):
            found += [
                Observable(kind, v, *fallback, 0, "listed in scope.json")
                for v in data.scope.actor.get(key, ())
                if v
            ]
    return sorted(found, key=lambda o: (o.kind, o.value))


def tenant_name(data: ReportData) -> str:
    """The investigated organisation: the commonest domain among compromised mailboxes."""
    domains = Counter(m.upn.rpartition("@")[2] for m in data.scope.mailboxes if "@" in m.upn)
    if not domains:
        return "Investigated organisation"
    return one_line(sorted(domains.items(), key=lambda d: (-d[1], d[0]))[0][0])


def _case_window(data: ReportData) -> tuple[datetime, datetime]:
    latest = data.latest_time or EPOCH
    first = min((a.first_seen for a in data.actor if a.first_seen), default=latest)
    return first, latest


def build_bundle(data: ReportData) -> stix2.Bundle:
    """The STIX 2.1 bundle for a case."""
    first, latest = _case_window(data)
    when = _utc(latest)
    common = {"created": when, "modified": when}
    tool = stix2.Identity(
        id=stix_id("identity", "mailscope"),
        name="mailscope",
        identity_class="system",
        description=f"mailscope {__version__}",
        **common,
    )
    victim_name = tenant_name(data)
    victim = stix2.Identity(
        id=stix_id("identity", "victim", victim_name, data.case_key),
        name=victim_name,
        identity_class="organization",
        created_by_ref=tool.id,
        **common,
    )
    by = {"created_by_ref": tool.id, **common}
    infra = stix2.Infrastructure(
        id=stix_id("infrastructure", data.case_key),
        name="Actor mail-access infrastructure",
        infrastructure_types=["unknown"],
        first_seen=_utc(first),
        last_seen=when,
        **by,
        description="IP addresses and clients the actor used to read mail in this case.",
    )
    objects: list[object] = [tool, victim, infra]
    for item in observables(data, (first, latest)):
        pattern = _pattern(item)
        if pattern is None:
            continue
        valid_until = max(item.last_seen, item.first_seen + timedelta(seconds=1))
        label = "IP address" if item.kind == "ip" else "user agent"
        indicator = stix2.Indicator(
            id=stix_id("indicator", pattern, data.case_key),
            name=one_line(f"Actor {label} {item.value}"),
            description=one_line(f"Attributed to the actor: {item.reason}"),
            indicator_types=["malicious-activity"],
            pattern=pattern,
            pattern_type="stix",
            valid_from=_utc(item.first_seen),
            valid_until=_utc(valid_until),
            **by,
        )
        objects.append(indicator)
        objects.append(
            stix2.Relationship(
                id=stix_id("relationship", indicator.id, infra.id),
                relationship_type="indicates",
                source_ref=indicator.id,
                target_ref=infra.id,
                **by,
            )
        )
        objects.append(
            stix2.Sighting(
                id=stix_id("sighting", indicator.id, victim.id),
                sighting_of_ref=indicator.id,
                where_sighted_refs=[victim.id],
                first_seen=_utc(item.first_seen),
                last_seen=_utc(valid_until),
                count=min(max(item.records, 1), 999_999_999),
                **by,
            )
        )
    for technique in sorted({t for f in data.findings for t in f.attack_ids}):
        objects.append(_attack_pattern(technique, by))
    scope = data.scope
    incident = stix2.Incident(
        id=stix_id("incident", data.case_key),
        name=one_line(f"Mail intrusion: case {data.case_name}"),
        description=(
            f"{scope.mailbox_total} mailboxes compromised, {scope.exposed_messages} "
            f"messages exposed, {len(data.findings)} findings."
        ),
        **by,
    )
    objects.append(incident)
    report = stix2.Report(
        id=stix_id("report", data.case_key),
        name=one_line(f"mailscope report: case {data.case_name}"),
        report_types=["threat-report"],
        published=when,
        **by,
        object_refs=[o.id for o in objects],  # type: ignore[attr-defined]
    )
    objects.append(report)
    return stix2.Bundle(objects=objects, id=stix_id("bundle", report.id, *(o.id for o in objects)))  # type: ignore[attr-defined]


def _attack_pattern(technique: str, by: dict[str, object]) -> stix2.AttackPattern:
    """An ATT&CK technique as an attack-pattern, named and phased from the intel table."""
    known = attack_techniques().get(technique.strip().upper())
    phases = (
        [{"kill_chain_name": "mitre-attack", "phase_name": t} for t in known.tactics]
        if known
        else []
    )
    return stix2.AttackPattern(
        id=stix_id("attack-pattern", technique),
        name=known.name if known else one_line(technique),
        external_references=[{"source_name": "mitre-attack", "external_id": technique}],
        **({"kill_chain_phases": phases} if phases else {}),
        **by,
    )


def write_stix(data: ReportData, out: Path) -> Path:
    path = out / STIX_NAME
    path.write_text(build_bundle(data).serialize(pretty=True) + "\n", encoding="utf-8")
    return path
