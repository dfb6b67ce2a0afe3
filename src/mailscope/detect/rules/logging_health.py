"""Logging health (detection 11): audit disabled, audit bypass, mailbox audit sets that
drop MailItemsAccessed.

Without MailItemsAccessed there is no record of what was read; Storm-0558 victims
without the (then premium) audit licence could not see the reads at all (CSRB 2024).
Cmdlets and parameters: Set-AdminAuditLogConfig -UnifiedAuditLogIngestionEnabled,
Set-OrganizationConfig -AuditDisabled, Set-MailboxAuditBypassAssociation
-AuditBypassEnabled, Set-Mailbox -AuditEnabled / -AuditOwner / -AuditDelegate /
-AuditAdmin (Microsoft Learn, "Manage mailbox auditing").
"""

from __future__ import annotations

from mailscope.detect.events import at, audit, merge
from mailscope.detect.rule import RuleTest, sql_detection

_SQL = """
WITH ops AS (
    SELECT e.*, lower(e.operation) AS op, lower(coalesce(e.parameters, '')) AS p
    FROM audit_events e
    WHERE lower(e.operation) IN ('set-adminauditlogconfig', 'set-organizationconfig',
        'set-mailboxauditbypassassociation', 'set-mailbox')
),
classified AS (
    SELECT *, CASE
        WHEN op = 'set-adminauditlogconfig' AND p LIKE '%"unifiedauditlogingestionenabled":"false"%'
            THEN 'unified audit log ingestion disabled'
        WHEN op = 'set-organizationconfig' AND p LIKE '%"auditdisabled":"true"%'
            THEN 'mailbox auditing disabled for the organisation'
        WHEN op = 'set-mailboxauditbypassassociation' AND p LIKE '%"auditbypassenabled":"true"%'
            THEN 'mailbox audit bypass enabled'
        WHEN op = 'set-mailbox' AND p LIKE '%"auditenabled":"false"%'
            THEN 'mailbox auditing disabled'
        WHEN op = 'set-mailbox' AND (p LIKE '%"auditowner":%' OR p LIKE '%"auditdelegate":%'
                                     OR p LIKE '%"auditadmin":%')
             AND p NOT LIKE '%mailitemsaccessed%'
            THEN 'mailbox audit set without MailItemsAccessed'
        END AS change
    FROM ops
)
SELECT change, lower(user_id) AS actor,
    array_agg(DISTINCT coalesce(nullif(mailbox_upn, ''),
        nullif(json_extract_string(parameters, '$.Identity'), ''), object_id)) AS mailboxes,
    array_agg(DISTINCT lower(user_id)) AS users,
    array_agg(DISTINCT client_ip) AS ips,
    array_agg(DISTINCT record_key) AS evidence_keys,
    min(time) AS first_seen, max(time) AS last_seen, count(*) AS changes,
    CASE WHEN change = 'mailbox audit set without MailItemsAccessed' THEN 'medium'
         ELSE 'high' END AS severity
FROM classified
WHERE change IS NOT NULL
GROUP BY change, lower(user_id)
ORDER BY change, actor
"""

DETECTIONS = (
    sql_detection(
        id="MS-AUDIT-TAMPERING",
        title="Audit logging disabled, bypassed or narrowed",
        description=(
            "Unified audit ingestion or mailbox auditing turned off, an audit bypass "
            "association enabled, or a mailbox audit set lacking MailItemsAccessed."
        ),
        runbook=(
            "Restore the audit configuration; everything after the change is a blind spot "
            "for the affected mailboxes — say so in the report."
        ),
        severity="high",
        attack_ids=("T1562.008",),
        requires=("audit_events",),
        sql=_SQL,
        confidence=0.8,
        explain="{actor}: {change} ({changes} change(s))",
        tests=(
            RuleTest(
                "audit bypass enabled",
                merge(
                    audit(
                        "Set-MailboxAuditBypassAssociation",
                        time=at(1),
                        parameters='{"Identity":"svc","AuditBypassEnabled":"True"}',
                    )
                ),
                True,
            ),
            RuleTest(
                "audit set including MailItemsAccessed",
                merge(
                    audit(
                        "Set-Mailbox",
                        time=at(1),
                        parameters='{"Identity":"bob","AuditOwner":"MailItemsAccessed,Send"}',
                    )
                ),
                False,
            ),
        ),
    ),
)
