"""Incidents, not card walls: findings that belong together, with one timeline each.

Every finding that names one of the confirmed actor's identifiers (its sessions, tokens,
addresses, apps) is part of **the actor's incident**. The others are grouped by what links
them: a shared session or token, or the same user and rule within :data:`SAME_INCIDENT`
of each other — two inbox-rule changes sixteen months apart are two incidents, ten changes
in one afternoon are one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from mailscope.model.finding import SEVERITY_ORDER
from mailscope.report.report_data import FindingRecord, ReportData

SAME_INCIDENT = timedelta(days=7)
_ACTOR_KEYS = {"ip": "ips", "session": "sessions", "token": "tokens", "app": "apps"}


@dataclass(frozen=True, slots=True)
class Incident:
    """Findings that belong together, oldest first."""

    number: int
    actor: bool  # tied to the confirmed actor
    findings: tuple[FindingRecord, ...]
    in_scope: tuple[str, ...] = ()  # the actor's incident: the confirmed mailboxes

    @property
    def severity(self) -> str:
        """The worst severity among the incident's findings."""
        return max((f.severity for f in self.findings), key=lambda s: SEVERITY_ORDER.get(s, 0))

    @property
    def first_seen(self) -> datetime | None:
        return min((f.first_seen for f in self.findings if f.first_seen), default=None)

    @property
    def last_seen(self) -> datetime | None:
        return max((f.last_seen for f in self.findings if f.last_seen), default=None)

    @property
    def mailboxes(self) -> tuple[str, ...]:
        """The mailboxes it concerns: for the actor's incident, those in scope (a finding
        tied to the actor may also name look-alike mailboxes it matched)."""
        if self.actor:
            return self.in_scope
        return tuple(sorted({m for f in self.findings for m in f.mailboxes}))

    @property
    def users(self) -> tuple[str, ...]:
        return tuple(sorted({u for f in self.findings for u in f.users}))

    @property
    def title(self) -> str:
        """The worst finding's title, and who it is about."""
        worst = max(self.findings, key=lambda f: (f.rank, -len(f.rule_id)))
        if self.actor:
            return f"The actor's activity: {worst.title}"
        subject = (self.users or self.mailboxes or ("",))[0]
        return f"{worst.title}{f' ({subject})' if subject else ''}"


def build_incidents(data: ReportData) -> tuple[Incident, ...]:
    """The case's findings as incidents: the actor's first, then by severity and time."""
    findings = sorted(data.findings, key=lambda f: (f.first_seen or datetime.min, f.finding_id))
    if not findings:
        return ()
    actor_keys = _actor_keys(data)
    parent = list(range(len(findings)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(i: int, j: int) -> None:
        parent[root(i)] = root(j)

    owners: dict[tuple[str, str], int] = {}
    for index, finding in enumerate(findings):
        for key in _strong_keys(finding):
            if key in owners:
                join(index, owners[key])
            owners[key] = index
    last_of: dict[tuple[str, str], int] = {}
    for index, finding in enumerate(findings):
        for user in finding.users or finding.mailboxes:
            key = (finding.rule_id, user.lower())
            previous = last_of.get(key)
            if previous is not None and _close(findings[previous], finding):
                join(index, previous)
            last_of[key] = index
    on_actor = [index for index, f in enumerate(findings) if _touches(f, actor_keys)]
    for index in on_actor[1:]:
        join(index, on_actor[0])
    groups: dict[int, list[FindingRecord]] = defaultdict(list)
    for index, finding in enumerate(findings):
        groups[root(index)].append(finding)
    actor_root = root(on_actor[0]) if on_actor else None
    ordered = sorted(
        groups.items(),
        key=lambda item: (
            item[0] != actor_root,
            -max(f.rank for f in item[1]),
            min((f.first_seen for f in item[1] if f.first_seen), default=datetime.max),
            item[1][0].finding_id,
        ),
    )
    in_scope = tuple(sorted(m.upn for m in data.scope.mailboxes))
    return tuple(
        Incident(number, group_root == actor_root, tuple(group), in_scope)
        for number, (group_root, group) in enumerate(ordered, start=1)
    )


def _actor_keys(data: ReportData) -> dict[str, set[str]]:
    keys: dict[str, set[str]] = defaultdict(set)
    for indicator in data.actor:
        column = _ACTOR_KEYS.get(indicator.kind)
        if column and indicator.tier == "confirmed":
            keys[column].add(indicator.value)
    return keys


def _touches(finding: FindingRecord, keys: dict[str, set[str]]) -> bool:
    return any(set(getattr(finding, column)) & values for column, values in keys.items())


def _strong_keys(finding: FindingRecord) -> list[tuple[str, str]]:
    return [("session", s) for s in finding.sessions] + [("token", t) for t in finding.tokens]


def _close(a: FindingRecord, b: FindingRecord) -> bool:
    start, end = a.last_seen or a.first_seen, b.first_seen or b.last_seen
    if start is None or end is None:
        return True
    return abs(end - start) <= SAME_INCIDENT
