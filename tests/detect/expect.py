"""Expected findings of the intrusion-rule tests: what a finding must name, and a check
that no high finding fires beyond the expected ones."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mailscope.detect.engine import DetectRun, detect_case
from mailscope.ingest.pipeline import ingest
from mailscope.model.finding import Finding

HIGH = ("high", "critical")


@dataclass(frozen=True)
class Expect:
    """A finding of ``rule`` at ``severity`` whose entity lists contain the given values,
    whose explanation contains ``says`` and whose details hold ``details`` (a listed
    value must be in the detail list, a string value must be in the detail text)."""

    rule: str
    severity: str
    users: tuple[str, ...] = ()
    mailboxes: tuple[str, ...] = ()
    ips: tuple[str, ...] = ()
    apps: tuple[str, ...] = ()
    says: tuple[str, ...] = ()
    details: dict[str, str] = field(default_factory=dict)

    def matches(self, finding: Finding) -> bool:
        if finding.rule_id != self.rule or finding.severity != self.severity:
            return False
        for kind in ("users", "mailboxes", "ips", "apps"):
            if not set(getattr(self, kind)) <= set(getattr(finding, kind)):
                return False
        if not all(text in finding.explanation for text in self.says):
            return False
        return all(value in str(finding.details.get(key)) for key, value in self.details.items())


def detect_evidence(case: Path, evidence: Sequence[Path]) -> DetectRun:
    """Ingest ``evidence`` into a new case at ``case`` and run every detection."""
    ingest(case, list(evidence))
    return detect_case(case)


def matching(run: DetectRun, expect: Expect) -> list[Finding]:
    """The findings of ``run`` that ``expect`` describes."""
    return [finding for finding in run.findings if expect.matches(finding)]


def unexpected_high(run: DetectRun, expected: Sequence[Expect]) -> list[str]:
    """High or critical findings no expectation describes."""
    return [
        f"{f.rule_id}: {f.explanation}"
        for f in run.findings
        if f.severity in HIGH and not any(e.matches(f) for e in expected)
    ]


def described(finding: Finding) -> str:
    """One line naming a finding, for assertion messages."""
    return f"{finding.rule_id} {finding.severity}: {finding.explanation}"
