"""Campaign mode: one actor across many organisations (``mailscope simulate --campaign N``).

Storm-0558 read the mail of about 25 organisations, each of which saw only its own slice
(CSRB review, 2024). This writes ``OUT/<organisation>/evidence/`` for N tenants and
``OUT/campaign-truth.json``. The actor moves from organisation to organisation over the
period and rotates its proxies as it goes (each organisation shares part of its addresses
with the ones hit just before and after it, none with all); it switches app ids half-way
and in some organisations reuses a first-party app, so no single value links them all.
Some organisations are untouched; one has an unrelated intrusion (a phished account used
from a commercial VPN exit that the campaign actor also used once, and that staff of every
organisation use from home). Every organisation shares Microsoft's addresses, the VPN
exits and a cloud proxy with the others: none of that may link them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from mailscope.simulate.config import ActorPlan, SimConfig
from mailscope.simulate.ids import IdSource
from mailscope.simulate.networks import VPN_EXITS
from mailscope.simulate.run import SimulationSummary, simulate
from mailscope.simulate.scenarios.storm0558 import PROXY_IPS
from mailscope.simulate.writers import write_json

TRUTH_NAME = "campaign-truth.json"
# Organisations of the kind Storm-0558 reached: government departments, missions and the
# policy institutes that work with them (names are invented, domains reserved by RFC 2606).
NAMES = (
    "foreign-affairs",
    "defence-policy",
    "trade-office",
    "treasury-dept",
    "interior-ministry",
    "justice-dept",
    "energy-agency",
    "transport-ministry",
    "health-ministry",
    "commerce-dept",
    "un-mission",
    "pacific-institute",
    "policy-forum",
    "development-agency",
    "customs-service",
    "science-council",
    "parliament-office",
    "embassy-services",
    "security-council",
    "aviation-authority",
    "statistics-office",
    "culture-ministry",
    "labour-ministry",
    "environment-agency",
    "housing-ministry",
    "maritime-authority",
    "veterans-affairs",
    "education-ministry",
    "agriculture-dept",
    "finance-ministry",
)
# Hosting networks the fresh VPS addresses come from (Vultr, Choopa, Cogent-hosted VPS).
VPS_PREFIXES = ("45.77", "139.180", "154.53", "5.255", "45.32", "149.28")
VARIANTS = ("mixed", "bind", "sync", "first-party-app", "throttled")
SHARED_EXIT = VPN_EXITS[0][0]  # a commercial VPN exit (M247) staff of every tenant use


@dataclass(frozen=True)
class CampaignOrg:
    """One organisation of the campaign and what happens to it."""

    name: str  # its mail domain, which names it in the case and in the truth
    status: str  # 'hit' | 'not_hit' | 'unrelated_intrusion'
    scenario: str
    variant: str
    actor: ActorPlan | None


def plan_campaign(orgs: int, seed: int, days: int = 21) -> list[CampaignOrg]:
    """Who is hit, with which kit and when: same seed, same plan."""
    if orgs < 2:
        raise ValueError("a campaign needs at least two organisations")
    rng = random.Random(f"mailscope-campaign/{seed}")
    names = [f"{stem}.example" for stem in NAMES[:orgs]]
    names += [f"organisation-{k}.example" for k in range(len(names), orgs)]
    unrelated = 1 if orgs >= 3 else 0
    untouched = max(1 if orgs >= 4 else 0, round(orgs * 0.35))
    hits = orgs - unrelated - untouched
    statuses = ["hit"] * hits + ["unrelated_intrusion"] * unrelated + ["not_hit"] * untouched
    rng.shuffle(statuses)
    pool = _actor_pool(rng, hits)
    ids = IdSource(rng)
    apps = (ids.guid(), ids.guid())  # the actor's app ids: the second replaces the first
    plan: list[CampaignOrg] = []
    spread = max(0, days * 5 // 7 - 7)  # weekday mornings over which the actor moves on
    order = 0  # hit organisations in the order the actor reaches them
    for name, status in zip(names, statuses, strict=True):
        if status == "hit":
            plan.append(_hit(name, order, hits, pool, apps, spread))
            order += 1
        elif status == "unrelated_intrusion":
            actor = ActorPlan(ips=(SHARED_EXIT,), first_night=rng.randrange(1, 1 + max(1, spread)))
            plan.append(CampaignOrg(name, status, "bec-inbox-rule", "mixed", actor))
        else:
            plan.append(CampaignOrg(name, status, "none", "mixed", None))
    return plan


def _actor_pool(rng: random.Random, hits: int) -> tuple[str, ...]:
    """The actor's proxies: the published Storm-0558 ones and fresh VPS addresses."""
    fresh = {
        f"{rng.choice(VPS_PREFIXES)}.{rng.randrange(1, 255)}.{rng.randrange(2, 254)}"
        for _ in range(max(4, 2 * hits))
    }
    pool = [*PROXY_IPS, *sorted(fresh)]
    rng.shuffle(pool)
    return tuple(pool)


def _hit(
    name: str, order: int, hits: int, pool: tuple[str, ...], apps: tuple[str, str], spread: int
) -> CampaignOrg:
    """The ``order``-th organisation the actor reaches: three addresses, one shared with
    the organisation before it and one with the one after; mornings later in the period."""
    ips = tuple(pool[(2 * order + k) % len(pool)] for k in range(3))
    if order == hits // 2:
        ips += (SHARED_EXIT,)  # once, the actor also reads through a commercial VPN
    first_night = 1 + (order * spread) // max(1, hits - 1)
    variant = VARIANTS[order % len(VARIANTS)] if order else "mixed"
    app = apps[0] if order < (hits + 1) // 2 else apps[1]
    actor = ActorPlan(ips=ips, app_id=app, first_night=first_night, nights=6)
    return CampaignOrg(name, "hit", "storm-0558", variant, actor)


def simulate_campaign(
    out: Path, orgs: int, seed: int, users: int = 200, days: int = 21
) -> dict[str, SimulationSummary]:
    """Write every organisation's evidence and the campaign's truth under ``out``."""
    plan = plan_campaign(orgs, seed, days)
    summaries: dict[str, SimulationSummary] = {}
    truth: list[dict[str, object]] = []
    for index, org in enumerate(plan):
        config = SimConfig(
            out=out / org.name / "evidence",
            seed=seed * 1000 + index,
            users=users,
            days=days,
            scenario=org.scenario,
            variant=org.variant,
            domain=org.name,
            network=index + 1,
            actor=org.actor,
        )
        summaries[org.name] = summary = simulate(config)
        truth.append(
            {
                "name": org.name,
                "status": org.status,
                "mailboxes": summary.mailboxes,
                "scenario": org.scenario,
                "variant": org.variant,
                "actor_ips": list(org.actor.ips) if org.actor else [],
                "actor_app_id": org.actor.app_id if org.actor else "",
            }
        )
    write_json(
        out / TRUTH_NAME,
        {"schema": "mailscope.campaign-truth/1", "seed": seed, "organisations": truth},
    )
    return summaries
