"""Off-hours access (detection 15), as a score multiplier only: it never raises a finding.

Storm-0558 worked Mon–Fri 00:00–09:00 UTC (MSTI 2023-07-14) — the middle of the night
for its US victims — but people read mail at night too, so off-hours activity only
raises the confidence of findings that already fired. Quiet hours are learned from the
evidence: UTC hours of the day that carry less than half of an even share of all mail
access and sign-ins. A finding whose evidence lies mostly (≥ 80 %) in quiet hours gets
its confidence multiplied by :data:`MULTIPLIER` (capped at 1).
"""

from __future__ import annotations

from dataclasses import replace

import pyarrow as pa

from mailscope.detect.rule import RuleContext
from mailscope.model.finding import Finding

MULTIPLIER = 1.25
QUIET_SHARE = 0.8

_QUIET_HOURS_SQL = """
WITH activity AS (
    SELECT hour(time) AS h FROM mail_access WHERE time IS NOT NULL
    UNION ALL SELECT hour(time) FROM signins WHERE time IS NOT NULL
),
hours AS (SELECT h, count(*) AS n FROM activity GROUP BY h)
SELECT h FROM hours WHERE n < (SELECT sum(n) FROM hours) / 48.0
UNION SELECT h FROM (SELECT unnest(range(24)) AS h) AS day_hours
WHERE h NOT IN (SELECT h FROM hours)
"""

_SHARE_SQL = """
SELECT k.idx, avg(CASE WHEN hour(a.time) IN (SELECT h FROM _quiet_hours) THEN 1.0 ELSE 0.0 END),
    count(*)
FROM _finding_keys k JOIN mail_access a ON a.record_key = k.key
GROUP BY k.idx
"""


def quiet_hours(ctx: RuleContext) -> list[int]:
    """UTC hours of the day with little activity in this tenant (sorted)."""
    total = ctx.query("SELECT count(*) FROM mail_access")[0][0]
    if not total:
        return []
    return sorted(int(row[0]) for row in ctx.query(_QUIET_HOURS_SQL))


def apply_off_hours(ctx: RuleContext, findings: list[Finding]) -> list[Finding]:
    """Raise confidence of findings whose evidence lies mostly in the tenant's quiet hours."""
    hours = quiet_hours(ctx)
    if not hours or not findings:
        return findings
    keys = [(i, key) for i, f in enumerate(findings) for key in f.evidence_keys]
    if not keys:
        return findings
    connection = ctx.connection
    connection.register("_quiet_hours", pa.table({"h": pa.array(hours, pa.int64())}))
    connection.register(
        "_finding_keys",
        pa.table({"idx": [i for i, _ in keys], "key": [k for _, k in keys]}),
    )
    try:
        shares = {int(i): (float(s), int(n)) for i, s, n in ctx.query(_SHARE_SQL)}
    finally:
        connection.unregister("_finding_keys")
        connection.unregister("_quiet_hours")
    adjusted = []
    for index, finding in enumerate(findings):
        share, records = shares.get(index, (0.0, 0))
        if records and share >= QUIET_SHARE:
            details = {**finding.details, "off_hours_share": round(share, 3)}
            confidence = min(1.0, round(finding.confidence * MULTIPLIER, 4))
            finding = replace(finding, confidence=confidence, details=details)
        adjusted.append(finding)
    return adjusted
