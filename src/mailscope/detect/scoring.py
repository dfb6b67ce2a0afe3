"""Post-detection scoring: off-hours activity as a confidence multiplier, never a finding.

Storm-0558's scripted clients worked Mon–Fri 00:00–09:00 UTC (Microsoft Threat
Intelligence, 2023-07-14), but staff also read mail at night: off-hours alone is a weak
signal. Here it only raises the confidence of findings that already fired, when most of
the finding's window falls outside the tenant's own busy hours (learned from the
evidence, see :mod:`mailscope.detect.rules.off_hours`).
"""

from __future__ import annotations

from mailscope.detect.rule import RuleContext
from mailscope.detect.rules.off_hours import apply_off_hours
from mailscope.model.finding import Finding


def adjust_findings(ctx: RuleContext, findings: list[Finding]) -> list[Finding]:
    """Apply the score multipliers to ``findings`` (returns new Finding values)."""
    return apply_off_hours(ctx, findings)
