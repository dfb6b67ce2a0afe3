"""BEC staples (detection 13, part 2): mailbox forwarding, mailbox and folder permission
grants, and user consent to applications.

``Set-Mailbox -ForwardingSmtpAddress`` sends a copy of all mail out; ``Add-MailboxPermission
-AccessRights FullAccess`` and ``Add-RecipientPermission`` (SendAs) give another account
the mailbox; folder permissions expose single folders (Microsoft Learn, "Responding to a
compromised email account"). Administrators do all of these routinely, so a grant alone
is medium at most; forwarding to a domain outside the tenant is high.
"""

from __future__ import annotations

import orjson

from mailscope.detect.events import ACTOR_IP, at, audit, directory_audit, merge
from mailscope.detect.rule import RuleTest, sql_detection


def _params(**values: str) -> str:
    return orjson.dumps(values).decode()


_FORWARD_SQL = """
WITH domains AS (
    SELECT DISTINCT lower(split_part(upn, '@', 2)) AS domain FROM directory_users
    WHERE upn LIKE '%@%'
    UNION SELECT DISTINCT lower(split_part(mailbox_upn, '@', 2)) FROM mail_access
    WHERE mailbox_upn LIKE '%@%'
    UNION SELECT DISTINCT lower(split_part(user_id, '@', 2)) FROM audit_events
    WHERE user_id LIKE '%@%' AND workload = 'Exchange'
),
sets AS (
    SELECT e.*, lower(coalesce(
        nullif(json_extract_string(e.parameters, '$.ForwardingSmtpAddress'), ''),
        nullif(json_extract_string(e.parameters, '$.ForwardingAddress'), ''))) AS target
    FROM audit_events e WHERE lower(e.operation) = 'set-mailbox'
),
forwards AS (
    SELECT s.*, replace(target, 'smtp:', '') AS address FROM sets s
    WHERE target IS NOT NULL AND target NOT IN ('$null', 'null')
)
SELECT address AS target, coalesce(nullif(object_id, ''), mailbox_upn, '') AS mailbox,
    array_agg(DISTINCT coalesce(nullif(mailbox_upn, ''), object_id)) AS mailboxes,
    array_agg(DISTINCT lower(user_id)) AS users,
    array_agg(DISTINCT client_ip) AS ips,
    array_agg(DISTINCT record_key) AS evidence_keys,
    min(time) AS first_seen, max(time) AS last_seen,
    CASE WHEN bool_or(split_part(address, '@', 2) NOT IN (SELECT domain FROM domains))
         THEN 'high' ELSE 'medium' END AS severity
FROM forwards
GROUP BY address, coalesce(nullif(object_id, ''), mailbox_upn, '')
ORDER BY target, mailbox
"""

_PERMISSION_SQL = """
SELECT coalesce(lower(user_id), 'unknown') AS actor, lower(operation) AS operation,
    array_agg(DISTINCT coalesce(nullif(mailbox_upn, ''),
        nullif(json_extract_string(parameters, '$.Identity'), ''), object_id)) AS mailboxes,
    array_agg(DISTINCT lower(user_id)) AS users,
    array_agg(DISTINCT client_ip) AS ips,
    array_agg(DISTINCT record_key) AS evidence_keys,
    min(time) AS first_seen, max(time) AS last_seen, count(*) AS grants,
    string_agg(DISTINCT coalesce(json_extract_string(parameters, '$.User'), ''), ', ') AS grantees,
    CASE WHEN user_id LIKE '%@%' THEN 'medium' ELSE 'low' END AS severity
FROM audit_events
WHERE lower(operation) IN ('add-mailboxpermission', 'add-recipientpermission',
        'add-mailboxfolderpermission', 'set-mailboxfolderpermission',
        'addfolderpermissions', 'modifyfolderpermissions')
    AND coalesce(lower(result), 'true') NOT IN ('false', 'failed')
GROUP BY lower(user_id), lower(operation), CASE WHEN user_id LIKE '%@%' THEN 'medium' ELSE 'low' END
ORDER BY actor, operation
"""

_CONSENT_SQL = """
SELECT lower(coalesce(actor, '')) AS actor,
    array_agg(DISTINCT lower(actor)) AS users,
    array_agg(DISTINCT ip) AS ips,
    array_agg(DISTINCT record_key) AS evidence_keys,
    min(time) AS first_seen, max(time) AS last_seen, count(*) AS grants,
    string_agg(DISTINCT target, ', ') AS targets
FROM (
    SELECT initiated_by_upn AS actor, initiated_by_ip AS ip, record_key, time,
        coalesce(target_names, '') AS target
    FROM directory_audits WHERE lower(activity) LIKE 'consent to application%'
    UNION ALL
    SELECT user_id, client_ip, record_key, time, coalesce(object_id, '')
    FROM audit_events WHERE lower(operation) LIKE 'consent to application%'
) grants
GROUP BY lower(coalesce(actor, ''))
ORDER BY actor
"""

DETECTIONS = (
    sql_detection(
        id="MS-MAILBOX-FORWARDING",
        title="Mailbox forwarding set (Set-Mailbox)",
        description=(
            "Set-Mailbox with ForwardingSmtpAddress or ForwardingAddress; high when the "
            "address is outside every domain seen in the tenant's evidence."
        ),
        runbook=(
            "Clear the forwarding (Set-Mailbox -ForwardingSmtpAddress $null) and find who set it."
        ),
        severity="medium",
        attack_ids=("T1114.003",),
        requires=("audit_events",),
        sql=_FORWARD_SQL,
        confidence=0.7,
        explain="mail of {mailbox} forwarded to {target}",
        tests=(
            RuleTest(
                "forwarding to an outside address",
                merge(
                    audit(
                        "Set-Mailbox",
                        time=at(1),
                        client_ip=ACTOR_IP,
                        parameters=_params(
                            Identity="alice", ForwardingSmtpAddress="smtp:x@evil.example"
                        ),
                    )
                ),
                True,
                {"ips": (ACTOR_IP,)},
            ),
            RuleTest(
                "Set-Mailbox without forwarding",
                merge(audit("Set-Mailbox", time=at(1), parameters=_params(MaxSendSize="1 GB"))),
                False,
            ),
        ),
    ),
    sql_detection(
        id="MS-MAILBOX-PERMISSION-GRANT",
        title="Mailbox or folder permission granted",
        description=(
            "Add-MailboxPermission (FullAccess), Add-RecipientPermission (SendAs), or "
            "mailbox folder permission changes."
        ),
        runbook=(
            "Confirm the grant with the mailbox owner and the administrator; remove it if unknown."
        ),
        severity="medium",
        attack_ids=("T1098.002",),
        requires=("audit_events",),
        sql=_PERMISSION_SQL,
        confidence=0.5,
        explain="{actor} ran {operation} {grants} time(s) (grantee(s): {grantees})",
        tests=(
            RuleTest(
                "FullAccess granted by a user",
                merge(
                    audit(
                        "Add-MailboxPermission",
                        time=at(1),
                        user_id="admin@example.org",
                        parameters=_params(Identity="bob", User="eve", AccessRights="FullAccess"),
                    )
                ),
                True,
            ),
            RuleTest("unrelated cmdlet", merge(audit("Get-MailboxPermission", time=at(1))), False),
        ),
    ),
    sql_detection(
        id="MS-CONSENT-GRANT",
        title="Consent granted to an application",
        description="Entra 'Consent to application' events (user or admin consent).",
        runbook=(
            "Review the app, its publisher and the granted scopes; revoke the grant and "
            "disable the service principal if unsanctioned."
        ),
        severity="medium",
        attack_ids=("T1528", "T1098.003"),
        requires=(),
        sql=_CONSENT_SQL,
        confidence=0.5,
        explain="{actor} consented {grants} time(s) to application(s) {targets}",
        tests=(
            RuleTest(
                "consent event",
                merge(
                    directory_audit(
                        "Consent to application", time=at(1), target_names="Mail Insights Sync"
                    )
                ),
                True,
            ),
            RuleTest(
                "other directory change", merge(directory_audit("Update user", time=at(1))), False
            ),
        ),
    ),
)
