"""App-to-mailbox drift (detection 2): an app reaching many new mailboxes, or reading far
more items a day than it did while the baseline was learned.

Only non-owner access counts toward new mailboxes (a user opening their own mailbox in
a first-party client is not drift). Thresholds are data-independent constants chosen so
that an archiving service that reads every mailbox nightly stays quiet.
"""

from __future__ import annotations

from mailscope.detect.apps import client_app_sql
from mailscope.detect.events import ARCHIVER, access, at, history, merge
from mailscope.detect.rule import RuleTest, entity_lists, sql_detection

NEW_MAILBOXES = 3
VOLUME_FACTOR = 3
MIN_DAILY_ITEMS = 200

_APP = client_app_sql()
# Mail access with its app, learning flag and day. Inlined as a subquery at each use rather
# than a CTE: DuckDB materialises a CTE used several times, and copying every mail_access
# row cost more than the rule's own work; inlined, each use reads only its columns.
_ACC = f"""(
    SELECT {_APP} AS app, a.*, a.time < w.baseline_until AS learning,
        CAST(a.time AS DATE) AS day
    FROM mail_access a CROSS JOIN detect_window w
    WHERE {_APP} IS NOT NULL
)"""
_SQL = f"""
WITH base_days AS (
    SELECT app, day, count(DISTINCT coalesce(message_id, folder_path)) AS items
    FROM {_ACC} acc WHERE learning GROUP BY app, day
),
norm AS (SELECT app, max(items) AS max_daily FROM base_days GROUP BY app),
-- A day's record count bounds its distinct items from above, so only the days with enough
-- records need their items counted (distinct counts over every later day cost the most).
busy_days AS (
    SELECT a.app, a.day, max(n.max_daily) AS max_daily
    FROM {_ACC} a JOIN norm n ON a.app = n.app
    WHERE NOT a.learning GROUP BY a.app, a.day
    HAVING count(*) > {VOLUME_FACTOR} * max(n.max_daily) AND count(*) >= {MIN_DAILY_ITEMS}
),
spike_days AS (
    SELECT app, day, items, max_daily FROM (
        SELECT a.app, a.day, max(b.max_daily) AS max_daily,
            count(DISTINCT coalesce(a.message_id, a.folder_path)) AS items
        FROM {_ACC} a JOIN busy_days b ON a.app = b.app AND a.day = b.day
        WHERE NOT a.learning GROUP BY a.app, a.day
    ) counted
    WHERE items > {VOLUME_FACTOR} * max_daily AND items >= {MIN_DAILY_ITEMS}
),
spikes AS (
    SELECT app, max(items) AS peak, max(max_daily) AS max_daily FROM spike_days GROUP BY app
),
known AS (SELECT DISTINCT app, mailbox_upn FROM {_ACC} acc WHERE learning),
reach AS (
    SELECT a.* FROM {_ACC} a
    ANTI JOIN known k ON k.app = a.app AND k.mailbox_upn = a.mailbox_upn
    WHERE NOT a.learning AND lower(coalesce(a.user_id, '')) <> lower(a.mailbox_upn)
      AND a.app IN (SELECT app FROM norm)
),
reach_apps AS (
    SELECT app, count(DISTINCT mailbox_upn) AS new_mailboxes FROM reach GROUP BY app
    HAVING count(DISTINCT mailbox_upn) >= {NEW_MAILBOXES}
),
flagged AS (
    SELECT coalesce(r.app, s.app) AS app, coalesce(r.new_mailboxes, 0) AS new_mailboxes,
        coalesce(s.peak, 0) AS peak, coalesce(s.max_daily, 0) AS max_daily
    FROM reach_apps r FULL OUTER JOIN spikes s ON r.app = s.app
),
rows AS (
    SELECT f.*, a.* EXCLUDE (app) FROM flagged f JOIN {_ACC} a ON a.app = f.app
    LEFT JOIN spike_days sd ON sd.app = a.app AND sd.day = a.day
    WHERE NOT a.learning AND (
        a.record_key IN (SELECT record_key FROM reach)
        OR (f.peak > 0 AND sd.day IS NOT NULL))
)
SELECT app,
    max(new_mailboxes) AS new_mailboxes, max(peak) AS peak, max(max_daily) AS max_daily,
    {entity_lists(mailboxes="mailbox_upn", apps="app")},
    {entity_lists(ips="client_ip", evidence_keys="record_key")},
    min(time) AS first_seen, max(time) AS last_seen,
    CASE WHEN max(new_mailboxes) > 0 AND max(peak) > 0 THEN 'high' ELSE 'medium' END
        AS severity
FROM rows GROUP BY app ORDER BY app
"""

_BASE = history(range(6), app_id=ARCHIVER, user_id="archiver-sp", mailbox_upn="alice@example.org")


def _spread(mailboxes: int, day: float) -> list[dict[str, object]]:
    return [
        access(
            time=at(day), app_id=ARCHIVER, user_id="archiver-sp", mailbox_upn=f"user{i}@example.org"
        )
        for i in range(mailboxes)
    ]


DETECTIONS = (
    sql_detection(
        id="MS-APP-MAILBOX-DRIFT",
        title="App reaches new mailboxes or reads far more than its norm",
        description=(
            f"After the baseline an app reads {NEW_MAILBOXES}+ mailboxes it never touched "
            f"(non-owner access), or reads more than {VOLUME_FACTOR}× its busiest baseline "
            f"day (and at least {MIN_DAILY_ITEMS} items)."
        ),
        runbook=(
            "Compare the app's grants and configuration before and after the change; a "
            "compromised app credential or widened consent shows up as drift."
        ),
        severity="medium",
        attack_ids=("T1114.002", "T1098.003"),
        requires=("mail_access",),
        sql=_SQL,
        confidence=0.6,
        baseline="mail_access",
        explain=(
            "app {app} read {new_mailboxes} mailbox(es) it never touched before; busiest "
            "day {peak:,} item(s) against a baseline maximum of {max_daily:,}"
        ),
        tests=(
            RuleTest(
                "app spreads to five new mailboxes",
                merge(_BASE, {"mail_access": _spread(5, 8)}),
                True,
                {"mailboxes": ("user0@example.org",)},
            ),
            RuleTest(
                "app spreads to two new mailboxes only",
                merge(_BASE, {"mail_access": _spread(2, 8)}),
                False,
            ),
        ),
    ),
)
