"""Logging health and defence evasion (detection 11): audit disabled, bypassed, narrowed or
shortened, the audit licence taken away, DLP policies removed.

Without MailItemsAccessed there is no record of what was read; Storm-0558 victims
without the (then premium) audit licence could not see the reads at all (CSRB 2024).
Cmdlets and parameters: Set-AdminAuditLogConfig -UnifiedAuditLogIngestionEnabled /
-AdminAuditLogEnabled, Set-OrganizationConfig -AuditDisabled,
Set-MailboxAuditBypassAssociation -AuditBypassEnabled, Set-Mailbox -AuditEnabled /
-AuditOwner / -AuditDelegate / -AuditAdmin / -AuditLogAgeLimit (default 90 days; 0 keeps
nothing), the Purview audit retention policies, and the service plan
``M365_ADVANCED_AUDITING`` (Microsoft Learn, "Manage mailbox auditing", "Set-Mailbox",
"Auditing solutions in Microsoft Purview"; det-eng-samples T1562.001/.008).
"""

from __future__ import annotations

from mailscope.detect.events import at, audit, directory_audit, merge
from mailscope.detect.rule import RuleTest, entity_lists, sql_detection
from mailscope.detect.rules.admin_changes import CHANGES_CTES, audit_field, island_ctes, ok, prop
from mailscope.detect.rules.identities import IDENTITY_CTES, display

_ENTITIES = (
    entity_lists(mailboxes="mailbox", users="actor", ips="ip", evidence_keys="record_key")
    + """,
    min(time) AS first_seen, max(time) AS last_seen, count(*) AS changes,
    coalesce(array_to_string(list(DISTINCT mailbox ORDER BY mailbox), ', '), 'the tenant')
        AS mailbox_list"""
)

_MAILBOX = display(
    "json_extract_string(e.parameters, '$.Identity')", "e.object_id", org="e.organization_id"
)

_TAMPER_SQL = f"""
WITH {IDENTITY_CTES},
ops AS (
    SELECT e.record_key, e.time, e.client_ip AS ip, lower(e.user_id) AS actor,
        lower(e.operation) AS op, lower(coalesce(e.parameters, '')) AS p, e.parameters,
        e.object_id, e.organization_id
    FROM audit_events e
    WHERE lower(e.operation) IN ('set-adminauditlogconfig', 'set-organizationconfig',
        'set-mailboxauditbypassassociation', 'set-mailbox') AND {ok("e.result")}
),
classified AS (
    SELECT e.*, CASE
        WHEN op = 'set-adminauditlogconfig' AND p LIKE '%"unifiedauditlogingestionenabled":"false"%'
            THEN 'unified audit log ingestion disabled'
        WHEN op = 'set-adminauditlogconfig' AND p LIKE '%"adminauditlogenabled":"false"%'
            THEN 'Exchange admin audit log disabled'
        WHEN op = 'set-organizationconfig' AND p LIKE '%"auditdisabled":"true"%'
            THEN 'mailbox auditing disabled for the organisation'
        WHEN op = 'set-mailboxauditbypassassociation' AND p LIKE '%"auditbypassenabled":"true"%'
            THEN 'mailbox audit bypass enabled'
        WHEN op = 'set-mailbox' AND p LIKE '%"auditenabled":"false"%'
            THEN 'mailbox auditing disabled'
        WHEN op = 'set-mailbox' AND (p LIKE '%"auditowner":%' OR p LIKE '%"auditdelegate":%'
                                     OR p LIKE '%"auditadmin":%')
             AND (p NOT LIKE '%mailitemsaccessed%' OR p LIKE '%remove%mailitemsaccessed%')
            THEN 'mailbox audit set without MailItemsAccessed'
        END AS change,
        CASE WHEN op IN ('set-mailbox', 'set-mailboxauditbypassassociation') THEN {_MAILBOX}
        END AS mailbox
    FROM ops e
),
{island_ctes("(SELECT * FROM classified WHERE change IS NOT NULL)", "s.change || s.actor")}
SELECT change, actor, island, {_ENTITIES},
    CASE WHEN change = 'mailbox audit set without MailItemsAccessed' THEN 'medium'
         ELSE 'high' END AS severity
FROM islands
GROUP BY change, actor, island
ORDER BY first_seen, change, actor
"""

_AGE = "json_extract_string(e.parameters, '$.AuditLogAgeLimit')"
_RETENTION_SQL = f"""
WITH {IDENTITY_CTES},
limits AS (
    SELECT e.record_key, e.time, e.client_ip AS ip, lower(e.user_id) AS actor,
        {_AGE} AS age_limit,
        coalesce(try_cast(regexp_extract({_AGE}, '^(\\d+)\\.', 1) AS DOUBLE), 0)
            + coalesce(try_cast(regexp_extract({_AGE}, '(\\d+):\\d+:\\d+$', 1) AS DOUBLE), 0)
              / 24 AS days,
        {_MAILBOX} AS mailbox, 'mailbox audit log age limit' AS setting
    FROM audit_events e
    WHERE lower(e.operation) = 'set-mailbox' AND {_AGE} IS NOT NULL AND {ok("e.result")}
    UNION ALL
    SELECT e.record_key, e.time, e.client_ip, lower(e.user_id),
        coalesce(json_extract_string(e.parameters, '$.RetentionDuration'), 'policy removed'),
        CASE lower(coalesce(json_extract_string(e.parameters, '$.RetentionDuration'), ''))
            WHEN 'sevendays' THEN 7 WHEN 'onemonth' THEN 30 WHEN 'threemonths' THEN 89
            WHEN '' THEN 0 ELSE 365 END,
        NULL, 'Purview audit retention policy'
    FROM audit_events e
    WHERE lower(e.operation) IN ('remove-unifiedauditlogretentionpolicy',
        'set-unifiedauditlogretentionpolicy', 'new-unifiedauditlogretentionpolicy')
        AND {ok("e.result")}
        AND (lower(e.operation) LIKE 'remove%'
             OR json_extract_string(e.parameters, '$.RetentionDuration') IS NOT NULL)
),
{island_ctes("(SELECT * FROM limits WHERE days < 90)", "s.actor || s.setting")}
SELECT actor, setting, island, {_ENTITIES},
    string_agg(DISTINCT age_limit, ', ' ORDER BY age_limit) AS limits, min(days) AS shortest_days,
    CASE WHEN min(days) < 7 AND setting = 'mailbox audit log age limit' THEN 'high'
         ELSE 'medium' END AS severity
FROM islands
GROUP BY actor, setting, island
ORDER BY first_seen, actor
"""

_AUDIT_PLAN = "('m365_advanced_auditing', '2f442157-a11c-46b9-ae5b-6e39ff4e5849')"
_LICENCE_SQL = f"""
WITH {CHANGES_CTES},
licences AS (
    SELECT c.*, lower(coalesce({prop("AssignedLicense", "old")},
            regexp_extract(c.detail, 'assignedlicense(.*?)newvalue', 1))) AS before,
        lower(coalesce({prop("AssignedLicense", "new")},
            regexp_extract(c.detail, 'assignedlicense.*?newvalue(.*?)(assignedplan|$)', 1)))
            AS after
    FROM changes c
    WHERE c.ok AND c.activity IN ('update user', 'change user license')
        AND c.detail LIKE '%assignedlicense%'
),
removed AS (
    SELECT *, lower(regexp_replace(target, '^[0-9a-f]{{32}}', '')) AS mailbox FROM licences
    WHERE (after LIKE '%m365_advanced_auditing%' OR after LIKE '%2f442157-a11c-46b9-ae5b%')
        AND NOT (before LIKE '%m365_advanced_auditing%' OR before LIKE '%2f442157-a11c-46b9-ae5b%')
        AND regexp_matches(after, 'disabledplans=\\[[^\\]]*(m365_advanced_auditing|2f442157)')
)
SELECT actor, {_ENTITIES}, 'high' AS severity
FROM removed
GROUP BY actor
ORDER BY first_seen, actor
"""

_PARAMS_TEXT = f"coalesce(e.parameters, {audit_field('$.Parameters', 'e.raw')}, '')"
_PARAMS = f"lower({_PARAMS_TEXT})"
_FORWARD_PARAMS = (
    "forwardingsmtpaddress|forwardto|redirectto|forwardasattachmentto|blindcopyto|redirectmessageto"
)
_DLP_SQL = f"""
WITH forwards AS (
    SELECT lower(user_id) AS actor, time FROM audit_events
    WHERE lower(operation) IN ('set-mailbox', 'new-inboxrule', 'set-inboxrule',
            'new-transportrule', 'set-transportrule')
        AND regexp_matches(lower(coalesce(parameters, '')), '"({_FORWARD_PARAMS})":"[^"$]')
),
dlp AS (
    SELECT e.record_key, e.time, e.client_ip AS ip, lower(e.user_id) AS actor,
        CAST(NULL AS VARCHAR) AS mailbox, lower(e.operation) AS op, {_PARAMS_TEXT} AS p,
        EXISTS (SELECT 1 FROM forwards f WHERE f.actor = lower(e.user_id)
            AND f.time BETWEEN e.time - INTERVAL '24' HOUR AND e.time + INTERVAL '24' HOUR)
            AS near_forward
    FROM audit_events e
    WHERE {ok("e.result")} AND (
        lower(e.operation) IN ('remove-dlpcompliancepolicy', 'remove-dlpcompliancerule',
            'remove-dlppolicy', 'remove-protectionalert')
        OR (lower(e.operation) IN ('set-dlpcompliancepolicy', 'set-dlpcompliancerule')
            AND ({_PARAMS} LIKE '%disable%' OR {_PARAMS} LIKE '%"enabled":"false"%'
                 OR {_PARAMS} LIKE '%-enabled%$false%')))
),
{island_ctes("dlp", "s.actor")}
SELECT actor, island, {_ENTITIES},
    string_agg(DISTINCT op, ', ' ORDER BY op) AS operations,
    string_agg(DISTINCT coalesce(nullif(regexp_extract(p, '(?i)identity\\s+"([^"]+)"', 1), ''),
        regexp_extract(p, '(?i)identity[^a-z0-9]*([^" \\\\]+)', 1)), ', ')
        AS policy,
    bool_or(near_forward) AS forwards_mail,
    CASE WHEN bool_or(near_forward) THEN 'high' ELSE 'medium' END AS severity
FROM islands
GROUP BY actor, island
ORDER BY first_seen, actor
"""

_AUDIT_ID = "T1562.008"
DETECTIONS = (
    sql_detection(
        id="MS-AUDIT-TAMPERING",
        title="Audit logging disabled, bypassed or narrowed",
        description=(
            "Unified audit ingestion, the admin audit log or mailbox auditing turned off, an "
            "audit bypass association enabled (high), or a mailbox audit set that lacks "
            "MailItemsAccessed (medium); one finding per change, actor and incident."
        ),
        runbook=(
            "Restore the audit configuration; everything after the change is a blind spot "
            "for the affected mailboxes — say so in the report; treat the actor's account as "
            "compromised until the change is explained."
        ),
        severity="high",
        attack_ids=(_AUDIT_ID,),
        requires=("audit_events",),
        sql=_TAMPER_SQL,
        confidence=0.8,
        explain="{actor}: {change} ({changes} change(s); {mailbox_list})",
        tests=(
            RuleTest(
                "audit bypass enabled",
                merge(
                    audit(
                        "Set-MailboxAuditBypassAssociation",
                        time=at(1),
                        parameters='{"Identity":"svc@example.org","AuditBypassEnabled":"True"}',
                    )
                ),
                True,
                {"mailboxes": ("svc@example.org",)},
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
    sql_detection(
        id="MS-AUDIT-RETENTION-SHORTENED",
        title="Audit retention shortened",
        description=(
            "Set-Mailbox -AuditLogAgeLimit under the 90-day default (high under 7 days: 0 "
            "keeps nothing), or a Purview audit retention policy removed or shortened "
            "(medium)."
        ),
        runbook=(
            "Restore the age limit (Set-Mailbox -AuditLogAgeLimit 90); export the mailbox "
            "audit log now, before more of it ages out; find who changed it and why."
        ),
        severity="medium",
        attack_ids=("T1562.001", _AUDIT_ID, "T1070"),
        requires=("audit_events",),
        sql=_RETENTION_SQL,
        confidence=0.8,
        explain="{actor} set {setting} to {limits} on {mailbox_list}",
        tests=(
            RuleTest(
                "age limit set to zero",
                merge(
                    audit(
                        "Set-Mailbox",
                        time=at(1),
                        parameters='{"Identity":"bob@example.org","AuditLogAgeLimit":"00:00:00"}',
                    )
                ),
                True,
                {"mailboxes": ("bob@example.org",)},
            ),
            RuleTest(
                "age limit raised to a year",
                merge(
                    audit(
                        "Set-Mailbox",
                        time=at(1),
                        parameters='{"Identity":"bob","AuditLogAgeLimit":"365.00:00:00"}',
                    )
                ),
                False,
            ),
        ),
    ),
    sql_detection(
        id="MS-AUDIT-LICENSE-REMOVED",
        title="Advanced audit licence removed from a user",
        description=(
            "The Microsoft 365 Advanced Auditing service plan (M365_ADVANCED_AUDITING) newly "
            "disabled in a user's licence: their MailItemsAccessed and Send records stop."
        ),
        runbook=(
            "Re-enable the plan; treat the user's mailbox as unaudited from the change on; "
            "find who changed the licence and from where."
        ),
        severity="high",
        attack_ids=(_AUDIT_ID,),
        requires=(),
        sql=_LICENCE_SQL,
        confidence=0.8,
        explain="{actor} disabled advanced auditing in the licence of {mailbox_list}",
        tests=(
            RuleTest(
                "audit plan disabled",
                merge(
                    directory_audit(
                        "Change user license",
                        time=at(1),
                        target_names="bob@example.org",
                        modified_properties=(
                            '[{"name":"AssignedLicense","old":"[SkuName=E5, DisabledPlans=[]]",'
                            '"new":"[SkuName=E5, DisabledPlans=[M365_ADVANCED_AUDITING]]"}]'
                        ),
                    )
                ),
                True,
                {"mailboxes": ("bob@example.org",)},
            ),
            RuleTest(
                "another plan disabled",
                merge(
                    directory_audit(
                        "Change user license",
                        time=at(1),
                        target_names="bob@example.org",
                        modified_properties=(
                            '[{"name":"AssignedLicense","old":"[SkuName=E5, DisabledPlans=[]]",'
                            '"new":"[SkuName=E5, DisabledPlans=[YAMMER_ENTERPRISE]]"}]'
                        ),
                    )
                ),
                False,
            ),
        ),
    ),
    sql_detection(
        id="MS-DLP-POLICY-REMOVED",
        title="DLP policy removed or disabled",
        description=(
            "Remove-DlpCompliancePolicy / -Rule, or a DLP policy set to disabled; high when "
            "the same actor also forwards mail within a day (the removal hides exfiltration)."
        ),
        runbook=(
            "Restore the policy from its documented configuration; review what the actor "
            "sent or forwarded while it was off."
        ),
        severity="medium",
        attack_ids=("T1562.001",),
        requires=("audit_events",),
        sql=_DLP_SQL,
        confidence=0.6,
        explain="{actor}: {operations} ({changes} change(s); policy {policy})",
        tests=(
            RuleTest(
                "DLP policy removed",
                merge(
                    audit(
                        "Remove-DlpCompliancePolicy",
                        time=at(1),
                        workload="SecurityComplianceCenter",
                        parameters=None,
                        raw='{"Parameters":"-Identity \\"Finance DLP\\""}',
                    )
                ),
                True,
            ),
            RuleTest(
                "DLP policy viewed",
                merge(audit("Get-DlpCompliancePolicy", time=at(1))),
                False,
            ),
        ),
    ),
)
