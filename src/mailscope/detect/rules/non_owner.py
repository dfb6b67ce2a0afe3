"""Non-owner mailbox access against its baseline (detection 14).

LogonType 1 (admin) and 2 (delegate) mark access by someone other than the owner
(Microsoft Learn, "Mailbox audit logging"). Assistants read their principal's mail every
day, so only a (user, mailbox) pair never seen during the learning window counts: low
for a delegate, medium for an admin logon.
"""

from __future__ import annotations

from mailscope.detect.events import access, at, history, merge
from mailscope.detect.rule import RuleTest, entity_lists, sql_detection

_SQL = f"""
WITH non_owner AS (
    SELECT a.*, a.time < w.baseline_until AS learning FROM mail_access a CROSS JOIN detect_window w
    WHERE a.logon_type IN (1, 2) AND lower(coalesce(a.user_id, '')) <> lower(a.mailbox_upn)
),
known AS (SELECT DISTINCT lower(user_id) AS u, mailbox_upn FROM non_owner WHERE learning)
SELECT lower(n.user_id) AS user_name, n.mailbox_upn AS mailbox,
    {entity_lists(mailboxes="n.mailbox_upn", users="lower(n.user_id)")},
    {entity_lists(ips="n.client_ip", evidence_keys="n.record_key")},
    min(n.time) AS first_seen, max(n.time) AS last_seen, count(*) AS records,
    CASE WHEN bool_or(n.logon_type = 1) THEN 'medium' ELSE 'low' END AS severity
FROM non_owner n
WHERE NOT n.learning
  AND NOT EXISTS (SELECT 1 FROM known k
                  WHERE k.u = lower(n.user_id) AND k.mailbox_upn = n.mailbox_upn)
GROUP BY lower(n.user_id), n.mailbox_upn
ORDER BY user_name, mailbox
"""

_ASSISTANT = history(range(6), user_id="dana@example.org", logon_type=2)

DETECTIONS = (
    sql_detection(
        id="MS-NON-OWNER-NEW",
        title="New delegate or admin access to a mailbox",
        description=(
            "Delegate (LogonType 2) or admin (LogonType 1) access by a user who did not "
            "access that mailbox during the learning window."
        ),
        runbook="Check the user's permissions on the mailbox and when they were granted.",
        severity="low",
        attack_ids=("T1114.002", "T1098.002"),
        requires=("mail_access",),
        sql=_SQL,
        confidence=0.4,
        baseline="mail_access",
        explain="{user_name} accessed {mailbox} as non-owner ({records:,} record(s)); never before",
        tests=(
            RuleTest(
                "new admin access",
                merge(_ASSISTANT, access(time=at(8), user_id="eve@example.org", logon_type=1)),
                True,
                {"users": ("eve@example.org",)},
            ),
            RuleTest(
                "the usual assistant",
                merge(_ASSISTANT, access(time=at(8), user_id="dana@example.org", logon_type=2)),
                False,
            ),
        ),
    ),
)
