"""Orchestration: organisation -> mail content -> background -> look-alikes -> scenario ->
throttling -> files and truth."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from mailscope.simulate import records
from mailscope.simulate.activity import generate_background
from mailscope.simulate.config import PERIOD_START, SimConfig
from mailscope.simulate.evidence import Evidence
from mailscope.simulate.ids import iso
from mailscope.simulate.lookalikes import choose_cast, generate_lookalikes, travel_days
from mailscope.simulate.mail import Message, build_mailbox
from mailscope.simulate.org import Organisation, Person, build_organisation
from mailscope.simulate.scenarios import bec, oauth_app, storm0558
from mailscope.simulate.sensitive import valid_ssn
from mailscope.simulate.truth import THROTTLE_WINDOW, build_truth, is_throttled
from mailscope.simulate.world import World
from mailscope.simulate.writers import (
    write_json,
    write_jsonl,
    write_mailboxes,
    write_management_jsonl,
    write_purview_csv,
    write_signins,
    write_users_csv,
)

MAIL_HISTORY = timedelta(days=40)  # content predating the period


@dataclass(frozen=True)
class SimulationSummary:
    """What was written, for the CLI and for tests that compare against ingest counts."""

    files: dict[str, int]
    audit_records: int
    unique_audit_ids: int
    compromised_mailboxes: int
    exposed_messages: int
    mailboxes: tuple[str, ...] = ()  # the compromised mailboxes' UPNs, as in truth.json


def _victims(config: SimConfig, org: Organisation) -> list[Person]:
    rng = config.rng("victims")
    if config.scenario == "storm-0558":
        return storm0558.pick_victims(org, rng)
    if config.scenario == "bec-inbox-rule":
        return bec.pick_victims(org, rng)
    if config.scenario == "oauth-app":
        return oauth_app.pick_victims(org, rng)
    return []


def _content_owners(org: Organisation, rng: random.Random, extra: list[str]) -> list[str]:
    """Mailboxes exported as .eml: bureau heads, lookalike actors, victims and ~10 %
    of everyone else (the rest of the tenant has audit records but no content)."""
    chosen = {p.upn for p in org.people if p.executive} | set(extra)
    chosen |= {p.upn for p in org.people if rng.random() < 0.1}
    return sorted(chosen)


def simulate(config: SimConfig) -> SimulationSummary:
    """Generate the tenant, hide the scenario in it and write every file under ``out``."""
    config.validate()
    org = build_organisation(config.rng("org"), config.users, config.domain, config.network)
    records.set_organization_id(org.tenant_id, org.tenant_name)
    cast = choose_cast(org, config.rng("cast"), config.days)
    victims = _victims(config, org)
    extra = [
        cast.heavy_user,
        *cast.new_laptops,
        *(t.upn for t in cast.trips),
        *cast.custodians,
        *(v.upn for v in victims),
    ]
    mail_rng = config.rng("mail")
    pool = [valid_ssn(mail_rng) for _ in range(max(60, config.users))]
    mailboxes: dict[str, list[Message]] = {}
    for upn in _content_owners(org, config.rng("content"), extra):
        mailboxes[upn] = build_mailbox(
            config.rng(f"mail/{upn}"),
            org,
            org.by_upn[upn],
            PERIOD_START - MAIL_HISTORY,
            config.period_end,
            pool,
        )
    world = World(config, org, mailboxes, Evidence())
    generate_background(world, travel_days(cast))
    generate_lookalikes(world, cast)
    module = {"storm-0558": storm0558, "bec-inbox-rule": bec, "oauth-app": oauth_app}
    if config.scenario in module:
        module[config.scenario].generate(world, victims, config.variant)
    apply_throttling(world.evidence)
    return _write(world)


def apply_throttling(evidence: Evidence) -> None:
    """While a mailbox is throttled Exchange logs no MailItemsAccessed for it except the
    IsThrottled records themselves: drop every other record inside each declared window."""
    windows = sorted(evidence.throttle_windows)
    if not windows:
        return
    kept = []
    for record in evidence.audit:
        data = record.data
        if data.get("Operation") == "MailItemsAccessed" and not is_throttled(data):
            upn = data["MailboxOwnerUPN"]
            if any(upn == u and s <= record.time <= s + THROTTLE_WINDOW for u, s in windows):
                continue
        kept.append(record)
    evidence.audit = kept


def _write(world: World) -> SimulationSummary:
    config, evidence = world.config, world.evidence
    out = config.out
    for sub in ("ual", "entra"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    # Two exports cover the period with a 24 h overlap (same record Ids in both), the way
    # successive Purview searches and an API pull overlap in real investigations.
    split = world.start + timedelta(days=config.days // 2)
    overlap = timedelta(hours=12)
    files = {
        "users.csv": write_users_csv(out / "users.csv", world.org),
        "ual/purview-audit-search.csv": write_purview_csv(
            out / "ual/purview-audit-search.csv",
            [r for r in evidence.audit if r.time < split + overlap],
        ),
        "ual/management-api.jsonl": write_management_jsonl(
            out / "ual/management-api.jsonl",
            [r for r in evidence.audit if r.time >= split - overlap],
        ),
    }
    files.update(
        {f"entra/{k}": v for k, v in write_signins(out / "entra", evidence.signins).items()}
    )
    if evidence.directory:
        audits = sorted(evidence.directory, key=lambda a: (a["activityDateTime"], a["id"]))
        write_json(out / "entra/audit-logs.json", audits)  # a JSON array, as Extractor-Suite
        files["entra/audit-logs.json"] = len(audits)
    if evidence.graph:
        graph = sorted(evidence.graph, key=lambda g: (g["time"], g["correlationId"]))
        files["entra/graph-activity.jsonl"] = write_jsonl(out / "entra/graph-activity.jsonl", graph)
    files["mailboxes"] = write_mailboxes(out / "mailboxes", world.mailboxes)
    scenario = {
        "name": config.scenario,
        "variant": config.variant,
        "seed": config.seed,
        "users": config.users,
        "days": config.days,
        "period": {"start": iso(world.start), "end": iso(world.end)},
    }
    truth = build_truth(evidence, world.org, world.mailboxes, scenario)
    write_json(out / "truth.json", truth)
    unique = len({r.data["Id"] for r in evidence.audit})
    summary = SimulationSummary(
        files=files,
        audit_records=len(evidence.audit),
        unique_audit_ids=unique,
        compromised_mailboxes=truth["totals"]["mailboxes"],
        exposed_messages=truth["totals"]["exposed_messages"],
        mailboxes=tuple(sorted(m["upn"] for m in truth["compromised_mailboxes"])),
    )
    write_json(
        out / "simulation.json", {"files": files, "audit_records": unique, "scenario": scenario}
    )
    return summary
