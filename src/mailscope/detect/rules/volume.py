"""Throttling and volume (detection 7).

``IsThrottled=True`` means more than 1,000 MailItemsAccessed records for the mailbox in
24 hours: Bind logging stops for 24 hours, so this marks a blind window as much as a
signal (Purview docs, "Use MailItemsAccessed to investigate compromised accounts"). Heavy
legitimate users get throttled too, so throttling alone is medium at most. A volume spike
is a mailbox day with far more items read than any day of its learning window.
"""

from __future__ import annotations

from mailscope.detect.events import ACTOR_IP, access, at, history, merge
from mailscope.detect.rule import RuleTest, entity_lists, sql_detection

SPIKE_FACTOR = 5
MIN_SPIKE_ITEMS = 300

_THROTTLED_SQL = f"""
SELECT mailbox_upn AS mailbox,
    {entity_lists(mailboxes="mailbox_upn", evidence_keys="record_key")},
    min(time) AS first_seen, max(time) AS last_seen,
    count(*) AS records
FROM mail_access
WHERE is_throttled
GROUP BY mailbox_upn
ORDER BY mailbox_upn
"""

_SPIKE_SQL = f"""
WITH days AS (
    SELECT mailbox_upn, CAST(a.time AS DATE) AS day, a.time < w.baseline_until AS learning,
        sum(CASE WHEN access_type = 'Bind' THEN 1 ELSE 0 END) AS items
    FROM mail_access a CROSS JOIN detect_window w
    GROUP BY mailbox_upn, CAST(a.time AS DATE), a.time < w.baseline_until
),
norm AS (SELECT mailbox_upn, max(items) AS max_daily FROM days WHERE learning GROUP BY mailbox_upn),
spikes AS (
    SELECT d.mailbox_upn, d.day, d.items, n.max_daily FROM days d
    JOIN norm n ON d.mailbox_upn = n.mailbox_upn
    WHERE NOT d.learning AND d.items >= {MIN_SPIKE_ITEMS}
      AND d.items > {SPIKE_FACTOR} * n.max_daily
)
SELECT s.mailbox_upn AS mailbox, s.day AS day, max(s.items) AS items,
    max(s.max_daily) AS max_daily,
    {entity_lists(mailboxes="a.mailbox_upn", evidence_keys="a.record_key")},
    min(a.time) AS first_seen, max(a.time) AS last_seen
FROM spikes s JOIN mail_access a
  ON a.mailbox_upn = s.mailbox_upn AND CAST(a.time AS DATE) = s.day AND a.access_type = 'Bind'
GROUP BY s.mailbox_upn, s.day
ORDER BY s.mailbox_upn, s.day
"""


def _binds(count: int, day: float, ip: str = ACTOR_IP) -> list[dict[str, object]]:
    return [access(time=at(day, i / 600), client_ip=ip) for i in range(count)]


_BASE = history(range(6))

DETECTIONS = (
    sql_detection(
        id="MS-MAILBOX-THROTTLED",
        title="Mailbox audit throttled (blind window)",
        description=(
            "MailItemsAccessed records marked IsThrottled: over 1,000 records in 24 h; "
            "Bind reads are not logged for the next 24 h."
        ),
        runbook=(
            "Treat every message in the mailbox up to the end of the 24 h window as read if "
            "the access is not the owner's; find who produced the volume (IP, app, token)."
        ),
        severity="medium",
        attack_ids=("T1114.002", "T1562.008"),
        requires=("mail_access",),
        sql=_THROTTLED_SQL,
        confidence=0.5,
        explain=(
            "{mailbox} was throttled ({records:,} throttled record(s)): 24 h of Bind reads unlogged"
        ),
        tests=(
            RuleTest(
                "throttled record",
                merge(_BASE, access(time=at(8), is_throttled=True)),
                True,
                {"mailboxes": ("alice@example.org",)},
            ),
            RuleTest("no throttling", _BASE, False),
        ),
    ),
    sql_detection(
        id="MS-MAIL-VOLUME-SPIKE",
        title="Mailbox read far more than its norm in one day",
        description=(
            f"A day with at least {MIN_SPIKE_ITEMS} Bind reads and more than {SPIKE_FACTOR}× "
            "the mailbox's busiest learning-window day."
        ),
        runbook="Attribute the reads of that day (IP, app, session) and compare with the owner's.",
        severity="medium",
        attack_ids=("T1114.002",),
        requires=("mail_access",),
        sql=_SPIKE_SQL,
        confidence=0.5,
        baseline="mail_access",
        explain=(
            "{mailbox} had {items:,} Bind reads on {day} against a baseline maximum of "
            "{max_daily:,}/day"
        ),
        tests=(
            RuleTest(
                "400 reads in a day",
                merge(_BASE, {"mail_access": _binds(400, 8)}),
                True,
                {"mailboxes": ("alice@example.org",)},
            ),
            RuleTest("100 reads in a day", merge(_BASE, {"mail_access": _binds(100, 8)}), False),
        ),
    ),
)
