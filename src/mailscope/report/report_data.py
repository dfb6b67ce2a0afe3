"""Typed records of a case as the reports see it (loaded by :mod:`mailscope.report.load_data`)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from mailscope.model.finding import SEVERITY_ORDER
from mailscope.report.activity import Activity
from mailscope.report.scope_doc import Scope
from mailscope.scope.blind_spots import BlindSpot
from mailscope.store.empty_evidence import EmptyEvidence

COVERAGE = "coverage"


def iso(moment: datetime | None) -> str:
    """ISO-8601 UTC with a ``Z`` (store times are naive UTC); '' for None."""
    return "" if moment is None else moment.isoformat() + "Z"


@dataclass(frozen=True, slots=True)
class FindingRecord:
    """One row of ``findings``."""

    finding_id: str
    rule_id: str
    title: str
    severity: str
    confidence: float
    attack_ids: tuple[str, ...]
    mailboxes: tuple[str, ...]
    users: tuple[str, ...]
    apps: tuple[str, ...]
    ips: tuple[str, ...]
    sessions: tuple[str, ...]
    tokens: tuple[str, ...]
    first_seen: datetime | None
    last_seen: datetime | None
    evidence_keys: tuple[str, ...]
    explanation: str
    details: str  # JSON object text

    @property
    def rank(self) -> int:
        """Severity rank, higher is worse (unknown severities rank as info)."""
        return SEVERITY_ORDER.get(self.severity, 0)


@dataclass(frozen=True, slots=True)
class RuleRun:
    rule_id: str
    status: str
    reason: str
    findings: int
    seconds: float


@dataclass(frozen=True, slots=True)
class EvidenceFile:
    path: str
    sha256: str
    bytes: int
    format: str
    records: int
    parsed: int
    quarantined: int
    duplicates: int
    skipped: int = 0  # recognised as data mailscope does not analyse, not stored


@dataclass(frozen=True, slots=True)
class QuarantineCount:
    format: str
    reason: str
    records: int


@dataclass(frozen=True, slots=True)
class ActorIndicator:
    """One piece of the actor's infrastructure (``scope_actor``)."""

    kind: str
    value: str
    first_seen: datetime | None
    last_seen: datetime | None
    records: int
    reason: str
    tier: str = "confirmed"


@dataclass(frozen=True, slots=True)
class ExposedMessage:
    mailbox_upn: str
    message_id: str
    basis: str
    folder_path: str
    date: datetime | None
    subject: str
    sender: str
    has_content: bool
    us_ssn: int
    has_itinerary: bool
    has_marking: bool
    sensitive_kinds: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Person:
    upn: str
    display_name: str
    department: str
    reason: str
    mailboxes: tuple[str, ...]
    messages: int
    kinds: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ReportData:
    """The whole case as the reports see it."""

    case_name: str
    scope: Scope
    findings: tuple[FindingRecord, ...]
    rule_runs: tuple[RuleRun, ...]
    evidence: tuple[EvidenceFile, ...]
    quarantine: tuple[QuarantineCount, ...]
    actor: tuple[ActorIndicator, ...]
    exposed: tuple[ExposedMessage, ...]
    people: tuple[Person, ...]
    blind_spots: tuple[BlindSpot, ...]
    activity: Activity
    department_of: dict[str, str] = field(default_factory=dict)
    # Set when nothing could be read or no mailbox access is in the case: said at the top.
    empty: EmptyEvidence | None = None
    # SHA-256 of CASE/manifest.json as written ('' when there is none): names the case.
    manifest_sha256: str = ""
    # Runs that were interrupted and not yet made good, one sentence each (journal).
    interrupted: tuple[str, ...] = ()
    # (kind, value) of actor indicators -> ordinary accounts also using them (prevalence).
    ordinary_use: dict[tuple[str, str], int] = field(default_factory=dict)
    # The tenant's commonest mail domain (directory first, then the mailboxes in scope).
    organisation: str = ""

    @property
    def case_key(self) -> str:
        """A digest of the evidence hashes and scope.json: names this case's content."""
        digest = hashlib.sha256()
        for sha in sorted(e.sha256 for e in self.evidence):
            digest.update(sha.encode())
        digest.update(self.scope.raw)
        return digest.hexdigest()

    @property
    def gaps(self) -> tuple[BlindSpot, ...]:
        """Blind spots proper: everything but plain coverage statements."""
        return tuple(b for b in self.blind_spots if b.kind != COVERAGE)

    @property
    def coverage(self) -> tuple[BlindSpot, ...]:
        """What each log source covers (kind 'coverage'): context for the gaps."""
        return tuple(b for b in self.blind_spots if b.kind == COVERAGE)

    @property
    def latest_time(self) -> datetime | None:
        """The latest evidence time the report rests on (used instead of a wall clock)."""
        times = [f.last_seen for f in self.findings if f.last_seen]
        times += [a.last_seen for a in self.actor if a.last_seen]
        times += [b.end for b in self.activity.buckets[-1:]]
        return max(times, default=None)
