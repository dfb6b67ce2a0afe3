"""Cluster the actor: confirmed seeds expanded through strong keys only, each step recorded.

Strong keys are the ones that name one client: a token id and an Entra session (one sign-in
on one device), an address the actor alone used, and a third-party app *after* evidence ties
it to the actor. Expansion never follows a Microsoft resource or first-party app id, an
address someone else legitimately signed in from (an office egress, a VPN, a hotel), or a
user agent. Every attributed entity and record keeps the link that put it there, so each
mailbox in scope can say why.

Two tiers: **confirmed** is reached from a seed through strong keys; **suspected** is one
weak step further (named by a high-severity finding that nothing confirms, or read from an
address the actor shared with others) and is never expanded.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import duckdb
import pyarrow as pa

from mailscope.intel.addresses import identifies
from mailscope.scope.combos import Combo, Entity, Graph, load_graph, tag_combos, third_party
from mailscope.scope.grants import AppGrant, app_grants
from mailscope.scope.seeds import Seed, find_seeds, is_ioc_rule

CONFIRMED = "confirmed"
SUSPECTED = "suspected"
SUSPECT_SEVERITIES = ("high", "critical")
TIE_SLACK = timedelta(minutes=1)
# Reads from an address the actor shared count as suspected this close to the actor's use.
SHARED_WINDOW = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Link:
    """Why an entity or a combo belongs to the actor."""

    tier: str
    reason: str
    via: Entity | int | None  # the entity or combo it was reached from; None for a seed
    records: tuple[str, ...] = ()


@dataclass
class Actor:
    """The actor's entities and attributed combos, each with its link."""

    entities: dict[Entity, Link] = field(default_factory=dict)
    combos: dict[int, Link] = field(default_factory=dict)
    shared_ips: set[str] = field(default_factory=set)
    app_ties: dict[str, datetime] = field(default_factory=dict)

    def values(self, kind: str, tier: str = CONFIRMED) -> list[str]:
        """Sorted values of one entity kind in one tier."""
        return sorted(
            v for (k, v), link in self.entities.items() if k == kind and link.tier == tier
        )

    def chain(self, start: Entity | int) -> list[str]:
        """The reasons from the seed down to an entity or combo (seed first)."""
        steps: list[str] = []
        seen: set[Entity | int] = set()
        current: Entity | int | None = start
        while current is not None and current not in seen:
            seen.add(current)
            link = self.combos.get(current) if isinstance(current, int) else None
            if link is None and not isinstance(current, int):
                link = self.entities.get(current)
            if link is None:
                break
            steps.append(link.reason)
            current = link.via
        return steps[::-1]


@dataclass
class _Clusterer:
    graph: Graph
    grants: list[AppGrant]
    actor: Actor = field(default_factory=Actor)
    queue: deque[Entity] = field(default_factory=deque)
    pending_ips: set[str] = field(default_factory=set)
    seeded_ties: dict[str, tuple[datetime, Link]] = field(default_factory=dict)

    def seed(self, seed: Seed, by_record: dict[str, int]) -> None:
        if seed.app_tie is not None:
            app, since = seed.app_tie
            self.seeded_ties.setdefault(
                app, (since, Link(CONFIRMED, seed.reason, None, seed.records))
            )
        for entity in seed.entities:
            self._entity(entity, Link(CONFIRMED, seed.reason, None, seed.records))
        for key in seed.record_keys:
            combo = by_record.get(key)
            if combo is not None:
                self._combo(self.graph.combos[combo], Link(CONFIRMED, seed.reason, None, (key,)))

    def run(self) -> None:
        while True:
            while self.queue:
                self._expand(self.queue.popleft())
            if not (self._follow_ips() or self._tie_apps()):
                return

    def _entity(self, entity: Entity, link: Link) -> None:
        if entity in self.actor.entities:
            return
        if entity[0] == "ip":
            if not identifies(entity[1]):
                return
            self.pending_ips.add(entity[1])
        self.actor.entities[entity] = link
        if entity[0] in ("session", "token"):
            self.queue.append(entity)

    def _combo(self, combo: Combo, link: Link) -> None:
        if combo.id in self.actor.combos:
            return
        self.actor.combos[combo.id] = link
        for key in combo.links():
            if key == link.via or key in self.actor.entities:
                continue
            if key[0] == "app":
                continue  # an app is followed only once tied (see _tie_apps)
            reason = f"{key[0]} {key[1]} on the actor's record {combo.sample}"
            self._entity(key, Link(CONFIRMED, reason, combo.id, (combo.sample,)))

    def _expand(self, entity: Entity) -> None:
        kind, value = entity
        for combo in self.graph.using(entity):
            self._combo(combo, Link(CONFIRMED, f"carries the actor's {kind} {value}", entity))

    def _follow_ips(self) -> bool:
        """Follow each actor address no one else legitimately used; True if any was."""
        followed = False
        for ip in sorted(self.pending_ips):
            entity: Entity = ("ip", ip)
            users = self.graph.using(entity)
            if any(c.backed_use and c.id not in self.actor.combos for c in users):
                self.actor.shared_ips.add(ip)
                continue
            self.pending_ips.discard(ip)
            self.actor.shared_ips.discard(ip)
            followed = True
            for combo in users:
                if not combo.backed_use:
                    reason = f"from {ip}, an address only the actor used"
                    self._combo(combo, Link(CONFIRMED, reason, entity))
        return followed

    def _tie_apps(self) -> bool:
        """Tie third-party apps to the actor (a grant from an actor address, or first seen
        in the actor's records) and follow their app-only use from then on."""
        tied = False
        for app, since, link in self._ties():
            self.actor.app_ties[app] = since
            entity: Entity = ("app", app)
            self.actor.entities.setdefault(entity, link)
            accounts = set(self.accounts())
            tied = True
            for combo in self.graph.using(entity):
                own = combo.session is None or combo.principal in accounts
                if combo.first >= since - TIE_SLACK and own:
                    reason = f"app {app}, tied to the actor at {since:%Y-%m-%d %H:%M}"
                    self._combo(combo, Link(CONFIRMED, reason, entity))
        return tied

    def _ties(self) -> list[tuple[str, datetime, Link]]:
        ips = {v for (k, v) in self.actor.entities if k == "ip"} - self.actor.shared_ips
        accounts = self.account_times()
        found = {a: t for a, t in self.seeded_ties.items() if a not in self.actor.app_ties}
        for grant in self.grants:
            by_ip = grant.ip in ips
            first_use = accounts.get(grant.initiator or "")
            by_account = first_use is not None and grant.time >= first_use[0] - TIE_SLACK
            if not (by_ip or by_account):
                continue
            via: Entity = ("ip", str(grant.ip)) if by_ip else ("account", str(grant.initiator))
            if not by_ip and first_use is not None:
                when = f"{first_use[0]:%Y-%m-%d %H:%M}"
                used = f"account {grant.initiator} used by the actor from {when}"
                self.actor.entities.setdefault(via, Link(CONFIRMED, used, first_use[1]))
            where = f"from the actor's address {grant.ip}" if by_ip else "after its takeover"
            for app in grant.apps:
                if app in self.actor.app_ties or not third_party(app) or app in found:
                    continue
                reason = (
                    f"{grant.activity} for app {app} by {grant.initiator or '?'} {where} at "
                    f"{grant.time:%Y-%m-%d %H:%M}"
                )
                found[app] = (grant.time, Link(CONFIRMED, reason, via, (grant.key,)))
        attributed = set(self.actor.combos)
        for (kind, app), combos in self.graph.by_key.items():
            if kind != "app" or app in self.actor.app_ties or app in found:
                continue
            first = combos[0]
            if first.id in attributed:
                reason = f"app {app} first appears in the actor's record {first.sample}"
                found[app] = (first.first, Link(CONFIRMED, reason, first.id, (first.sample,)))
        return [(app, since, link) for app, (since, link) in sorted(found.items())]

    def accounts(self) -> list[str]:
        """User accounts the actor signed in as or acted through (confirmed combos)."""
        return sorted(self.account_times())

    def account_times(self) -> dict[str, tuple[datetime, int]]:
        """Each account the actor used, with the first time (and combo) it did."""
        times: dict[str, tuple[datetime, int]] = {}
        for combo_id, link in self.actor.combos.items():
            combo = self.graph.combos[combo_id]
            user = str(combo.principal or "")
            if link.tier == CONFIRMED and "@" in user:
                times[user] = min(times.get(user, (combo.first, combo_id)), (combo.first, combo_id))
        return times


def cluster_actor(connection: duckdb.DuckDBPyConnection) -> Actor:
    """Seeds, expanded to a fixpoint; then the suspected tier one step out."""
    tag_combos(connection)
    graph = load_graph(connection)
    clusterer = _Clusterer(graph, app_grants(connection))
    seeds = find_seeds(connection, graph)
    by_record = _combos_of(connection, [k for s in seeds for k in s.record_keys])
    for seed in seeds:
        clusterer.seed(seed, by_record)
    clusterer.run()
    _suspect(connection, clusterer)
    return clusterer.actor


def _combos_of(connection: duckdb.DuckDBPyConnection, keys: list[str]) -> dict[str, int]:
    if not keys:
        return {}
    rows = connection.execute(
        "SELECT record_key, combo FROM _activity WHERE record_key IN (SELECT unnest(?))",
        [sorted(set(keys))],
    ).fetchall()
    return {str(key): int(combo) for key, combo in rows}


def _suspect(connection: duckdb.DuckDBPyConnection, clusterer: _Clusterer) -> None:
    """Mail read by entities a high finding names but nothing confirms, or from addresses
    the actor shared with others: suspected, not expanded."""
    actor, graph = clusterer.actor, clusterer.graph
    for ip in sorted(actor.shared_ips):
        entity: Entity = ("ip", ip)
        used = [c for c in graph.using(entity) if c.id in actor.combos]
        if not used:
            continue
        start = min(c.first for c in used) - SHARED_WINDOW
        end = max(c.last for c in used) + SHARED_WINDOW
        for combo in graph.using(entity):
            if combo.first < start or combo.last > end:
                continue
            if combo.reads_mail and not combo.backed_use and combo.id not in actor.combos:
                reason = f"read from {ip}, which the actor used but others signed in from too"
                actor.combos[combo.id] = Link(SUSPECTED, reason, entity)
    for rule_id, title, severity, lists in _severe_findings(connection):
        if is_ioc_rule(rule_id):
            continue
        for kind, values in lists:
            for value in values:
                entity = (kind, value)
                if entity in actor.entities or not _suspectable(entity, actor, graph):
                    continue
                reason = (
                    f"named by {rule_id} ({severity}: {title}), not confirmed by a second signal"
                )
                actor.entities[entity] = Link(SUSPECTED, reason, None)
                for combo in graph.using(entity):
                    if combo.reads_mail and combo.id not in actor.combos:
                        actor.combos[combo.id] = Link(SUSPECTED, f"carries {kind} {value}", entity)


def _suspectable(entity: Entity, actor: Actor, graph: Graph) -> bool:
    kind, value = entity
    if kind == "ip":
        # Never an address several people legitimately use (an office egress, a VPN).
        users = {c.principal for c in graph.using(entity) if c.backed_use}
        return identifies(value) and value not in actor.shared_ips and len(users) <= 1
    if kind == "app":
        return third_party(value)
    return kind in ("session", "token")


def _severe_findings(
    connection: duckdb.DuckDBPyConnection,
) -> list[tuple[str, str, str, list[tuple[str, list[str]]]]]:
    rows = connection.execute(
        "SELECT rule_id, title, severity, sessions, tokens, ips, apps FROM findings "
        f"WHERE severity IN {SUSPECT_SEVERITIES} ORDER BY finding_id"
    ).fetchall()
    found = []
    for rule_id, title, severity, sessions, tokens, ips, apps in rows:
        lists = [
            ("session", [str(v) for v in sessions or () if v]),
            ("token", [str(v) for v in tokens or () if v]),
            ("ip", [str(v) for v in ips or () if v]),
            ("app", [str(v) for v in apps or () if v]),
        ]
        found.append((str(rule_id), str(title), str(severity), lists))
    return found


def write_actor_rows(connection: duckdb.DuckDBPyConnection, actor: Actor) -> None:
    """``_attributed`` (combo, tier, why) and ``_actor_rows``: the confirmed activity rows."""
    combos = sorted(actor.combos)
    batch = pa.table(
        {
            "combo": pa.array(combos, type=pa.uint64()),
            "tier": [actor.combos[c].tier for c in combos],
            "why": [" → ".join(actor.chain(c)) for c in combos],
        }
    )
    connection.register("_attributed_batch", batch)
    try:
        connection.execute(
            "CREATE OR REPLACE TEMP TABLE _attributed AS SELECT * FROM _attributed_batch"
        )
    finally:
        connection.unregister("_attributed_batch")
    connection.execute(
        "CREATE OR REPLACE TEMP TABLE _actor_rows AS SELECT a.*, t.tier, t.why FROM _activity a "
        "JOIN _attributed t USING (combo)"
    )
