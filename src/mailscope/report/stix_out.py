"""``iocs.stix.json``: the actor's indicators as a STIX 2.1 bundle (built with ``stix2``).

Indicators for the actor's IP addresses, user agents and (non-Microsoft) app ids carry
validity windows (first to last sighting), each with a sighting at the investigated
organisation; an infrastructure object groups them, an incident and a report object tie
the bundle together. The compromised mailboxes are ``user-account`` objects under one
``observed-data``. mailscope's own STIX extension (an ``extension-definition``: top-level
``x_mailscope_*`` properties on SDOs, a property extension on the user accounts) carries
what the campaign view needs when an organisation shares only this bundle: per indicator
its tier, record count and how many of the tenant's ordinary accounts also use it; on the
incident the verdict, exposed messages, rules that fired at high or critical severity and
their techniques, and blind spots; per mailbox its department, access window and
exposure. Ids are UUIDv5 from content and timestamps come from the evidence, never the
wall clock, so the same case gives a byte-identical bundle.
"""

from __future__ import annotations

import ipaddress
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import stix2

from mailscope.intel.attack import attack_techniques
from mailscope.intel.stix import EXPORT_PATHS
from mailscope.model.finding import SEVERITY_ORDER
from mailscope.report.report_data import ReportData
from mailscope.report.visible import one_line
from mailscope.scope.combos import third_party
from mailscope.version import __version__

STIX_NAME = "iocs.stix.json"
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "stix.mailscope.invalid")
EPOCH = datetime(1970, 1, 1)
UNNAMED = "Investigated organisation"  # the victim identity's name when no domain is known
HIGH = SEVERITY_ORDER["high"]  # rules at this severity or above name the technique
EXTENSION_ID = "extension-definition--" + str(
    uuid.uuid5(NAMESPACE, "extension-definition|mailscope-case-properties/1")
)
TOPLEVEL = {EXTENSION_ID: {"extension_type": "toplevel-property-extension"}}
_PROPERTY_NAMES = (
    "kind",
    "tier",
    "records",
    "ordinary_accounts",
    "intrusion_found",
    "exposed_messages",
    "suspected_mailboxes",
    "rules",
    "techniques",
    "blind_spots",
    "unassessed",
)
TOPLEVEL_PROPERTIES = tuple(f"x_mailscope_{name}" for name in _PROPERTY_NAMES)


@dataclass(frozen=True, slots=True)
class Observable:
    """An actor IP, user agent or app with its sighting window and record count."""

    kind: str  # 'ip' | 'user_agent' | 'app'
    value: str
    first_seen: datetime
    last_seen: datetime
    records: int
    reason: str
    tier: str = "confirmed"


def stix_id(kind: str, *parts: str) -> str:
    """Deterministic ``kind--uuid5`` from the object's identifying content."""
    return f"{kind}--{uuid.uuid5(NAMESPACE, '|'.join((kind, *parts)))}"


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC)


def pattern_literal(value: str) -> str:
    """A STIX patterning string literal: backslash and quote escaped."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def indicator_pattern(kind: str, value: str) -> str | None:
    """The STIX pattern of an actor ip, user agent or app (None: not an address)."""
    if kind == "app":
        sco, path = EXPORT_PATHS["app-id"]
        return f"[{sco}:{path} = {pattern_literal(value)}]"
    if kind == "user_agent":
        sco, path = EXPORT_PATHS["user-agent"]
        return f"[{sco}:{path} = {pattern_literal(value)}]"
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None  # not an address (a hostname or garbage): no indicator rather than a wrong one
    sco = "ipv4-addr" if address.version == 4 else "ipv6-addr"
    return f"[{sco}:value = {pattern_literal(str(address))}]"


def observables(data: ReportData, fallback: tuple[datetime, datetime]) -> list[Observable]:
    """Actor IPs, user agents and apps from scope_actor, else from scope.json with the case
    window. Microsoft's own app ids (first-party clients, resources) are never indicators."""
    found = [
        Observable(
            a.kind,
            a.value,
            a.first_seen or fallback[0],
            a.last_seen or fallback[1],
            a.records,
            a.reason,
            a.tier,
        )
        for a in data.actor
        if a.kind in ("ip", "user_agent", "app")
        and a.value
        and (a.kind != "app" or third_party(a.value.lower()))
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
    """The investigated organisation: its commonest mail domain (``ReportData.organisation``)."""
    return one_line(data.organisation) or UNNAMED


def _case_window(data: ReportData) -> tuple[datetime, datetime]:
    latest = data.latest_time or EPOCH
    first = min((a.first_seen for a in data.actor if a.first_seen), default=latest)
    return first, latest


def tool_identity(common: dict[str, datetime]) -> stix2.Identity:
    """mailscope itself, the ``created_by_ref`` of everything it writes."""
    return stix2.Identity(
        id=stix_id("identity", "mailscope"),
        name="mailscope",
        identity_class="system",
        description=f"mailscope {__version__}",
        **common,
    )


def build_bundle(data: ReportData) -> stix2.Bundle:
    """The STIX 2.1 bundle for a case."""
    first, latest = _case_window(data)
    when = _utc(latest)
    common = {"created": when, "modified": when}
    tool = tool_identity(common)
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
    objects: list[object] = [tool, _extension(tool.id, common), victim, infra]
    for item in observables(data, (first, latest)):
        pattern = indicator_pattern(item.kind, item.value)
        if pattern is None:
            continue
        valid_until = max(item.last_seen, item.first_seen + timedelta(seconds=1))
        label = {"ip": "IP address", "user_agent": "user agent", "app": "app"}[item.kind]
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
            extensions=TOPLEVEL,
            x_mailscope_kind=item.kind,
            x_mailscope_tier=item.tier,
            x_mailscope_records=item.records,
            x_mailscope_ordinary_accounts=data.ordinary_use.get((item.kind, item.value), 0),
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
    objects += _mailboxes(data, by)
    scope = data.scope
    incident = stix2.Incident(
        id=stix_id("incident", data.case_key),
        name=one_line(f"Mail intrusion: case {data.case_name}"),
        description=(
            f"{scope.mailbox_total} mailboxes compromised, {scope.exposed_messages} "
            f"messages exposed, {len(data.findings)} findings."
        ),
        **by,
        extensions=TOPLEVEL,
        x_mailscope_intrusion_found=scope.intrusion_found,
        x_mailscope_exposed_messages=scope.exposed_messages,
        x_mailscope_suspected_mailboxes=len(scope.suspected),
        x_mailscope_rules=sorted({f.rule_id for f in data.findings if f.rank >= HIGH}),
        x_mailscope_techniques=sorted(
            {t for f in data.findings if f.rank >= HIGH for t in f.attack_ids}
        ),
        x_mailscope_blind_spots=[one_line(f"{b.kind}: {b.subject}") for b in data.gaps],
        x_mailscope_unassessed=_unassessed(data),
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
    return stix2.Bundle(
        objects=objects,
        id=stix_id("bundle", report.id, *(o.id for o in objects)),  # type: ignore[attr-defined]
        allow_custom=True,
    )


def _extension(tool: str, common: dict[str, datetime]) -> stix2.ExtensionDefinition:
    """mailscope's STIX extension: what its ``x_mailscope_*`` and user-account properties
    mean (the campaign view reads them from a shared bundle)."""
    return stix2.ExtensionDefinition(
        id=EXTENSION_ID,
        created_by_ref=tool,
        name="mailscope case properties",
        description=(
            "Indicators: x_mailscope_kind (ip, user_agent, app), x_mailscope_tier "
            "(confirmed, suspected), x_mailscope_records, x_mailscope_ordinary_accounts "
            "(accounts outside the actor that use the value too). Incident: "
            "x_mailscope_intrusion_found, x_mailscope_exposed_messages, "
            "x_mailscope_suspected_mailboxes, x_mailscope_rules, "
            "x_mailscope_techniques, x_mailscope_blind_spots, x_mailscope_unassessed. User "
            "accounts (property extension): department, first_access, last_access, "
            "exposed_messages of a compromised mailbox."
        ),
        schema="https://mailscope.invalid/schema/stix-case-properties-1.json",
        version="1.0",
        extension_types=["toplevel-property-extension", "property-extension"],
        extension_properties=list(TOPLEVEL_PROPERTIES),
        **common,
    )


def _unassessed(data: ReportData) -> str:
    """Why the case cannot say whether the organisation was hit ('' when it can).
    Interrupted runs are not said here: their sentence carries a wall-clock time, and the
    bundle depends on the evidence alone (report.html names them)."""
    if data.empty is not None:
        return one_line(data.empty.headline)
    if not data.scope.present:
        return "the scope stage has not run"
    return ""


def _mailboxes(data: ReportData, by: dict[str, object]) -> list[object]:
    """The compromised mailboxes as user-account objects under one observed-data."""
    accounts = [
        stix2.UserAccount(
            user_id=one_line(m.upn),
            account_login=one_line(m.upn),
            extensions={
                EXTENSION_ID: {
                    "extension_type": "property-extension",
                    "department": one_line(m.department),
                    "first_access": m.first_access,
                    "last_access": m.last_access,
                    "exposed_messages": m.exposed,
                }
            },
            allow_custom=True,
        )
        for m in sorted(data.scope.mailboxes, key=lambda m: m.upn)
    ]
    if not accounts:
        return []
    first = stix_time(data.scope.first_access)
    last = max(stix_time(data.scope.last_access), first)
    observed = stix2.ObservedData(
        id=stix_id("observed-data", "mailboxes", data.case_key),
        first_observed=first,
        last_observed=last,
        number_observed=len(accounts),
        object_refs=[a.id for a in accounts],
        **by,
    )
    return [*accounts, observed]


def stix_time(text: str) -> datetime:
    """An ISO-8601 ``Z`` time of scope.json as an aware datetime (the epoch when empty)."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else _utc(EPOCH)


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


def bundle_text(bundle: stix2.Bundle) -> str:
    """A bundle as JSON with every key sorted: stix2's pretty order leaves custom
    properties in an order that changes from one process to the next (even with
    ``sort_keys``), and the same case must give the same bytes."""
    document = orjson.loads(bundle.serialize())
    return orjson.dumps(document, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode()


def write_stix(data: ReportData, out: Path) -> Path:
    path = out / STIX_NAME
    path.write_text(bundle_text(build_bundle(data)) + "\n", encoding="utf-8")
    return path
