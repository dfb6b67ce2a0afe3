"""Exchange app-permission abuse (detection 12): mail-reading permissions granted to apps,
ApplicationImpersonation, and new app credentials followed by mail reads.

``full_access_as_app`` (EWS, every mailbox), ``EWS.AccessAsUser.All`` and Graph
``Mail.Read``/``Mail.ReadWrite`` let an app read mail; Midnight Blizzard granted
full_access_as_app to a malicious OAuth app (MSRC 2024-01-25). ApplicationImpersonation
lets an account act as any mailbox (Microsoft Learn, deprecated role). The permission
names are data (``data/apps.json``).
"""

from __future__ import annotations

import orjson

from mailscope.detect.apps import mail_permissions
from mailscope.detect.events import EVIL_APP, access, at, audit, directory_audit, merge
from mailscope.detect.rule import RuleTest, sql_detection

_GUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_STRONG = ("full_access_as_app", "ews.accessasuser.all", "applicationimpersonation")
_MATCH = " OR ".join(f"t LIKE '%{p.lower()}%'" for p in mail_permissions())
_STRONG_MATCH = " OR ".join(f"t LIKE '%{p}%'" for p in _STRONG)

_GRANT_SQL = f"""
WITH grants AS (
    SELECT record_key, time, initiated_by_upn AS actor, initiated_by_ip AS ip, activity,
        lower(coalesce(modified_properties, '') || ' ' || coalesce(target_names, '')) AS t,
        coalesce(modified_properties, '') || ' ' || coalesce(target_ids, '') AS ids
    FROM directory_audits
    WHERE lower(activity) LIKE 'add app role assignment%'
       OR lower(activity) LIKE 'add delegated permission grant%'
       OR lower(activity) LIKE 'consent to application%'
       OR lower(activity) LIKE 'add oauth2permissiongrant%'
),
hits AS (
    SELECT *, regexp_extract(lower(ids), 'appid[^}}]*?({_GUID})', 1) AS app
    FROM grants WHERE {_MATCH}
)
SELECT coalesce(nullif(app, ''), '?') AS app,
    array_agg(DISTINCT nullif(app, '')) AS apps,
    array_agg(DISTINCT lower(actor)) AS users,
    array_agg(DISTINCT ip) AS ips,
    array_agg(DISTINCT record_key) AS evidence_keys,
    min(time) AS first_seen, max(time) AS last_seen, count(*) AS grants,
    CASE WHEN bool_or({_STRONG_MATCH}) OR bool_or(lower(activity) LIKE 'add app role%')
         THEN 'high' ELSE 'medium' END AS severity
FROM hits
GROUP BY coalesce(nullif(app, ''), '?')
ORDER BY app
"""

_IMPERSONATION_SQL = """
SELECT lower(user_id) AS actor,
    array_agg(DISTINCT lower(user_id)) AS users,
    array_agg(DISTINCT client_ip) AS ips,
    array_agg(DISTINCT record_key) AS evidence_keys,
    min(time) AS first_seen, max(time) AS last_seen, count(*) AS grants,
    string_agg(DISTINCT coalesce(json_extract_string(parameters, '$.User'),
                                 json_extract_string(parameters, '$.App'), ''), ', ') AS grantees
FROM audit_events
WHERE lower(operation) = 'new-managementroleassignment'
  AND lower(coalesce(parameters, '')) LIKE '%applicationimpersonation%'
GROUP BY lower(user_id)
ORDER BY actor
"""

_CREDENTIAL_SQL = """
WITH creds AS (
    SELECT record_key, time, initiated_by_upn AS actor, initiated_by_ip AS ip,
        lower(coalesce(target_ids, '') || ' ' || coalesce(modified_properties, '')) AS ids
    FROM directory_audits
    WHERE lower(activity) LIKE 'add service principal credentials%'
       OR (lower(activity) LIKE 'update application%'
           AND lower(coalesce(modified_properties, '')) LIKE '%keycredentials%')
       OR lower(activity) LIKE 'update application%certificates and secrets%'
),
apps AS (SELECT DISTINCT app_id FROM mail_access WHERE app_id <> ''),
linked AS (
    SELECT c.*, a.app_id FROM creds c JOIN apps a ON position(lower(a.app_id) IN c.ids) > 0
),
reads AS (
    SELECT l.record_key AS cred_key, l.time AS cred_time, l.actor, l.ip AS cred_ip, m.*
    FROM linked l JOIN mail_access m ON m.app_id = l.app_id
    WHERE m.time > l.time AND m.time <= l.time + INTERVAL '7' DAY
)
SELECT app_id AS app,
    array_agg(DISTINCT app_id) AS apps,
    array_agg(DISTINCT mailbox_upn) AS mailboxes,
    array_agg(DISTINCT client_ip) AS ips,
    array_agg(DISTINCT cred_key) || array_agg(DISTINCT record_key) AS evidence_keys,
    min(cred_time) AS first_seen, max(time) AS last_seen,
    count(DISTINCT mailbox_upn) AS mailbox_count, count(*) AS records
FROM reads
GROUP BY app_id
ORDER BY app
"""

_ROLE = orjson.dumps(
    [
        {"name": "AppRole.Value", "new": "full_access_as_app"},
        {"name": "ServicePrincipal.AppId", "new": EVIL_APP},
    ]
).decode()
_HARMLESS = orjson.dumps(
    [
        {"name": "AppRole.Value", "new": "User.Read"},
        {"name": "ServicePrincipal.AppId", "new": EVIL_APP},
    ]
).decode()
_CRED = directory_audit("Add service principal credentials.", time=at(2), target_ids=EVIL_APP)

DETECTIONS = (
    sql_detection(
        id="MS-APP-MAIL-PERMISSION",
        title="Mail-reading permission granted to an app",
        description=(
            "App role assignments, delegated grants or consents that include "
            "full_access_as_app, EWS.AccessAsUser.All, Mail.Read/ReadWrite/Send and kin."
        ),
        runbook=(
            "Identify the app and who granted it; revoke the grant and the app's "
            "credentials if unsanctioned; scope every mailbox the app read afterwards."
        ),
        severity="high",
        attack_ids=("T1098.003", "T1528", "T1114.002"),
        requires=("directory_audits",),
        sql=_GRANT_SQL,
        confidence=0.75,
        explain="{grants} grant(s) of mail-reading permissions to app {app}",
        tests=(
            RuleTest(
                "full_access_as_app role assigned",
                merge(
                    directory_audit(
                        "Add app role assignment to service principal.",
                        time=at(1),
                        modified_properties=_ROLE,
                    )
                ),
                True,
                {"apps": (EVIL_APP,)},
            ),
            RuleTest(
                "User.Read role assigned",
                merge(
                    directory_audit(
                        "Add app role assignment to service principal.",
                        time=at(1),
                        modified_properties=_HARMLESS,
                    )
                ),
                False,
            ),
        ),
    ),
    sql_detection(
        id="MS-APPLICATION-IMPERSONATION",
        title="ApplicationImpersonation role assigned",
        description=(
            "New-ManagementRoleAssignment granting ApplicationImpersonation (act as any mailbox)."
        ),
        runbook="Remove the assignment unless a documented migration or archiving tool needs it.",
        severity="high",
        attack_ids=("T1098.002",),
        requires=("audit_events",),
        sql=_IMPERSONATION_SQL,
        confidence=0.7,
        explain="{actor} assigned ApplicationImpersonation {grants} time(s) to {grantees}",
        tests=(
            RuleTest(
                "impersonation assigned",
                merge(
                    audit(
                        "New-ManagementRoleAssignment",
                        time=at(1),
                        parameters='{"Role":"ApplicationImpersonation","User":"svc"}',
                    )
                ),
                True,
            ),
            RuleTest(
                "another role assigned",
                merge(
                    audit(
                        "New-ManagementRoleAssignment",
                        time=at(1),
                        parameters='{"Role":"Mail Recipients","User":"svc"}',
                    )
                ),
                False,
            ),
        ),
    ),
    sql_detection(
        id="MS-APP-CREDENTIAL-THEN-MAIL",
        title="New app credential followed by mail reads by that app",
        description=(
            "A secret or certificate added to an app, and the app reading mail within 7 days."
        ),
        runbook=(
            "Remove the new credential, check who added it, and scope the mailboxes the app "
            "read after it was added."
        ),
        severity="high",
        attack_ids=("T1098.001", "T1114.002"),
        requires=("directory_audits", "mail_access"),
        sql=_CREDENTIAL_SQL,
        confidence=0.7,
        explain=(
            "app {app} got a new credential, then read {mailbox_count} mailbox(es) "
            "({records:,} record(s)) within 7 days"
        ),
        tests=(
            RuleTest(
                "credential added then mail read",
                merge(_CRED, access(time=at(3), app_id=EVIL_APP, user_id="sp")),
                True,
                {"apps": (EVIL_APP,)},
            ),
            RuleTest(
                "credential added, no mail read by the app", merge(_CRED, access(time=at(3))), False
            ),
        ),
    ),
)
