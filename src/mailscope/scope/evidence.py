"""Why each mailbox is in scope: the chains that attributed its reads, with their records."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from mailscope.scope.actor import CONFIRMED, SUSPECTED, Actor
from mailscope.scope.combos import Graph

KEYS_PER_CHAIN = 5


@dataclass
class Chain:
    """One reason a mailbox is in scope, and the records resting on it."""

    steps: tuple[str, ...]
    records: int = 0
    keys: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        """The scope.json form."""
        return {"chain": list(self.steps), "records": self.records, "record_keys": self.keys}


@dataclass
class MailboxEntry:
    """A mailbox in scope: its tier, when it was read, and the chains behind it."""

    upn: str
    tier: str
    first: datetime
    last: datetime
    records: int = 0
    exposed: int = 0
    chains: list[Chain] = field(default_factory=list)

    @property
    def why(self) -> str:
        """The strongest chain (most records) as one sentence."""
        return " → ".join(self.chains[0].steps) if self.chains else ""

    @property
    def keys(self) -> list[str]:
        """Sample evidence record keys, strongest chain first."""
        return [key for chain in self.chains for key in chain.keys][: KEYS_PER_CHAIN * 2]


def mailbox_entries(actor: Actor, graph: Graph) -> list[MailboxEntry]:
    """Every mailbox the actor's (or the suspected) mail reads touched, confirmed first
    wins: a mailbox with any confirmed read is confirmed."""
    chains: dict[tuple[str, str], dict[tuple[str, ...], Chain]] = defaultdict(dict)
    spans: dict[tuple[str, str], list[datetime]] = defaultdict(list)
    for combo_id, link in actor.combos.items():
        combo = graph.combos[combo_id]
        if not combo.reads_mail or combo.mailbox is None:
            continue
        key = (combo.mailbox, link.tier)
        steps = tuple(actor.chain(combo_id))
        chain = chains[key].setdefault(steps, Chain(steps))
        chain.records += combo.records
        if len(chain.keys) < KEYS_PER_CHAIN:
            chain.keys.append(combo.sample)
        spans[key] += [combo.first, combo.last]
    entries: dict[str, MailboxEntry] = {}
    for tier in (CONFIRMED, SUSPECTED):
        for (upn, found_tier), found in sorted(chains.items()):
            if found_tier != tier or upn in entries:
                continue
            ordered = sorted(found.values(), key=lambda c: (-c.records, c.steps))
            for chain in ordered:
                chain.keys.sort()
            times = spans[(upn, tier)]
            entries[upn] = MailboxEntry(
                upn, tier, min(times), max(times), sum(c.records for c in ordered), 0, ordered
            )
    return [entries[upn] for upn in sorted(entries)]
