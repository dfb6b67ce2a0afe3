"""BEC inbox rules (detection 13, part 1): forwarding, redirecting, deleting or hiding
rules, and bursts of rule changes from one IP.

Attackers who take over a mailbox create rules that forward or redirect mail out, delete
it, or mark it read and move it to a folder nobody looks at ("RSS Feeds",
"Conversation History") to hide replies (Microsoft Learn, "Detect and Remediate Outlook
Rules and Custom Forms Injections Attacks"; CISA AA20-352A).
"""

from __future__ import annotations

from mailscope.detect.events import ACTOR_IP, at, audit, merge
from mailscope.detect.rule import RuleTest, sql_detection

BURST_RULES = 3
HIDING_FOLDERS = (
    "rss feeds",
    "rss subscriptions",
    "conversation history",
    "archive",
    "deleted items",
    "junk email",
    "notes",
)
_HIDING = ", ".join(f"'{f}'" for f in HIDING_FOLDERS)
_RULE_OPS = "('new-inboxrule', 'set-inboxrule', 'updateinboxrules', 'enable-inboxrule')"

_SQL = f"""
WITH ops AS (
    SELECT e.*, lower(coalesce(e.parameters, '')) AS p,
        lower(coalesce(json_extract_string(e.parameters, '$.MoveToFolder'), '')) AS move_to
    FROM audit_events e WHERE lower(e.operation) IN {_RULE_OPS}
),
flagged AS (
    SELECT *,
        (p LIKE '%"forwardto"%' OR p LIKE '%"redirectto"%' OR p LIKE '%"forwardasattachmentto"%')
            AS forwards,
        (p LIKE '%"deletemessage":"true"%' OR p LIKE '%"softdeletemessage":"true"%') AS deletes,
        (move_to IN ({_HIDING})) AS hides
    FROM ops
)
SELECT coalesce(nullif(mailbox_upn, ''), lower(user_id)) AS mailbox, client_ip AS ip,
    array_agg(DISTINCT coalesce(nullif(mailbox_upn, ''), lower(user_id))) AS mailboxes,
    array_agg(DISTINCT lower(user_id)) AS users,
    array_agg(DISTINCT client_ip) AS ips,
    array_agg(DISTINCT coalesce(nullif(aad_session_id, ''), session_id)) AS sessions,
    array_agg(DISTINCT unique_token_id) AS tokens,
    array_agg(DISTINCT record_key) AS evidence_keys,
    min(time) AS first_seen, max(time) AS last_seen,
    count(*) AS rules,
    count(*) FILTER (WHERE forwards) AS forwarding,
    count(*) FILTER (WHERE deletes) AS deleting,
    count(*) FILTER (WHERE hides) AS hiding,
    CASE WHEN count(*) FILTER (WHERE forwards OR deletes) > 0 THEN 'high' ELSE 'medium' END
        AS severity
FROM flagged
WHERE forwards OR deletes OR hides
GROUP BY coalesce(nullif(mailbox_upn, ''), lower(user_id)), client_ip
ORDER BY mailbox, ip
"""

_BURST_SQL = f"""
WITH ops AS (
    SELECT e.*, count(*) OVER (
        PARTITION BY e.client_ip ORDER BY e.time
        RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW) AS in_hour
    FROM audit_events e
    WHERE lower(e.operation) IN {_RULE_OPS} AND e.client_ip <> ''
),
bursty AS (SELECT client_ip FROM ops GROUP BY client_ip HAVING max(in_hour) >= {BURST_RULES})
SELECT o.client_ip AS ip,
    array_agg(DISTINCT coalesce(nullif(o.mailbox_upn, ''), lower(o.user_id))) AS mailboxes,
    array_agg(DISTINCT lower(o.user_id)) AS users,
    array_agg(DISTINCT o.client_ip) AS ips,
    array_agg(DISTINCT coalesce(nullif(o.aad_session_id, ''), o.session_id)) AS sessions,
    array_agg(DISTINCT o.unique_token_id) AS tokens,
    array_agg(DISTINCT o.record_key) AS evidence_keys,
    min(o.time) AS first_seen, max(o.time) AS last_seen,
    count(*) AS rules, max(o.in_hour) AS peak,
    count(DISTINCT coalesce(nullif(o.mailbox_upn, ''), lower(o.user_id))) AS mailbox_count
FROM ops o JOIN bursty b ON o.client_ip = b.client_ip
GROUP BY o.client_ip
ORDER BY ip
"""

_EXPORT_SQL = f"""
SELECT mailbox_upn AS mailbox, name AS rule_name,
    array_agg(DISTINCT mailbox_upn) AS mailboxes,
    array_agg(DISTINCT record_key) AS evidence_keys,
    max(coalesce(forward_to, redirect_to, forward_as_attachment_to, '')) AS target,
    CASE WHEN bool_or(coalesce(forward_to, redirect_to, forward_as_attachment_to) IS NOT NULL
                      OR coalesce(delete_message, false)) THEN 'high' ELSE 'medium' END AS severity
FROM mail_rules
WHERE kind = 'inbox' AND coalesce(enabled, true) AND (
    nullif(forward_to, '') IS NOT NULL OR nullif(redirect_to, '') IS NOT NULL
    OR nullif(forward_as_attachment_to, '') IS NOT NULL OR coalesce(delete_message, false)
    OR lower(coalesce(move_to_folder, '')) IN ({_HIDING}))
GROUP BY mailbox_upn, name
ORDER BY mailbox, rule_name
"""


def _rule(day: float, **params: str) -> dict[str, object]:
    import orjson

    return audit(
        "New-InboxRule",
        time=at(day),
        client_ip=ACTOR_IP,
        parameters=orjson.dumps({"Name": "x", **params}).decode(),
    )


_ATTACK = "T1564.008"
DETECTIONS = (
    sql_detection(
        id="MS-INBOX-RULE-BEC",
        title="Inbox rule forwards, deletes or hides mail",
        description=(
            "New-/Set-InboxRule or UpdateInboxRules with ForwardTo/RedirectTo/"
            "ForwardAsAttachmentTo, DeleteMessage, or a move to a folder users do not read."
        ),
        runbook=(
            "Read the rule in the mailbox (Get-InboxRule); remove it; reset the user's "
            "credentials and revoke sessions; review mail sent and read from the same IP."
        ),
        severity="medium",
        attack_ids=(_ATTACK, "T1114.003"),
        requires=("audit_events",),
        sql=_SQL,
        confidence=0.7,
        explain=(
            "{rules} inbox rule change(s) on {mailbox} from {ip}: {forwarding} forwarding, "
            "{deleting} deleting, {hiding} hiding mail"
        ),
        tests=(
            RuleTest(
                "rule moving mail to Conversation History",
                merge(_rule(1, MoveToFolder="Conversation History", MarkAsRead="True")),
                True,
                {"ips": (ACTOR_IP,)},
            ),
            RuleTest(
                "rule filing newsletters into a user folder",
                merge(_rule(1, MoveToFolder="Newsletters")),
                False,
            ),
        ),
    ),
    sql_detection(
        id="MS-INBOX-RULE-BURST",
        title="Burst of inbox-rule changes from one IP",
        description=f"{BURST_RULES}+ inbox-rule creations or changes from one IP within an hour.",
        runbook=(
            "Scripted rule creation is rare for people; list the rules, the mailboxes and "
            "the session behind them, then contain the accounts."
        ),
        severity="high",
        attack_ids=(_ATTACK,),
        requires=("audit_events",),
        sql=_BURST_SQL,
        confidence=0.8,
        explain=(
            "{rules} inbox-rule change(s) from {ip} in {mailbox_count} mailbox(es), up to "
            "{peak} within one hour"
        ),
        tests=(
            RuleTest(
                "four rules in ten minutes",
                merge(*[_rule(1 + i / 500, MoveToFolder="f") for i in range(4)]),
                True,
                {"ips": (ACTOR_IP,)},
            ),
            RuleTest(
                "three rules over three days",
                merge(*[_rule(i, MoveToFolder="f") for i in range(3)]),
                False,
            ),
        ),
    ),
    sql_detection(
        id="MS-INBOX-RULE-EXPORTED",
        title="Exported inbox rule forwards, deletes or hides mail",
        description=(
            "An enabled inbox rule in a Get-InboxRule export that forwards, redirects, "
            "deletes or hides mail."
        ),
        runbook=(
            "Confirm with the owner; remove the rule; find when it was created in the audit log."
        ),
        severity="medium",
        attack_ids=(_ATTACK, "T1114.003"),
        requires=("mail_rules",),
        sql=_EXPORT_SQL,
        confidence=0.6,
        explain="inbox rule {rule_name!r} on {mailbox} forwards/deletes/hides mail {target}",
        tests=(
            RuleTest(
                "rule forwarding outside",
                {
                    "mail_rules": [
                        {
                            "record_key": "mr-1",
                            "kind": "inbox",
                            "mailbox_upn": "alice@example.org",
                            "name": "fwd",
                            "enabled": True,
                            "forward_to": "x@evil.example",
                        }
                    ]
                },
                True,
                {"mailboxes": ("alice@example.org",)},
            ),
            RuleTest(
                "rule moving to a project folder",
                {
                    "mail_rules": [
                        {
                            "record_key": "mr-2",
                            "kind": "inbox",
                            "mailbox_upn": "alice@example.org",
                            "name": "proj",
                            "enabled": True,
                            "move_to_folder": "Projects",
                        }
                    ]
                },
                False,
            ),
        ),
    ),
)
