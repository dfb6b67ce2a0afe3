"""Exchange app-permission abuse (detection 12): mail-reading permissions granted to apps,
mailbox-wide Exchange roles (ApplicationImpersonation …), and new app credentials followed
by mail reads.

``full_access_as_app`` (EWS, every mailbox), ``EWS.AccessAsUser.All`` and Graph
``Mail.Read``/``Mail.ReadWrite`` let an app read mail; Midnight Blizzard granted
full_access_as_app to a malicious OAuth app (MSRC 2024-01-25). ApplicationImpersonation
lets an account or app act as any mailbox; intruders grant it with
``New-ManagementRoleAssignment -Role ApplicationImpersonation`` or by creating a role group
that holds it (``New-RoleGroup -Roles ApplicationImpersonation -Members <app>``,
det-eng-samples T1098.002) and then adding members (Microsoft Learn, "New-RoleGroup",
"Role Based Access Control for Applications in Exchange Online"). Grants are read from
Graph directory audits and from the UAL's Entra records alike. The permission names are
data (``data/apps.json``, ``data/attacks.json``).
"""

from __future__ import annotations

import orjson

from mailscope.detect.apps import APP_NAMES_SQL, client_app_sql, mail_permissions
from mailscope.detect.events import EVIL_APP, access, at, audit, directory_audit, merge
from mailscope.detect.rule import RuleTest, entity_lists, sql_detection
from mailscope.detect.rules.admin_changes import CHANGES_CTES, clean, island_ctes, ok, prop
from mailscope.detect.rules.familiar import familiar_sql, origin_sql, routine_sql
from mailscope.detect.rules.identities import IDENTITY_CTES, display
from mailscope.detect.rules.reference import extra_mail_permissions, mailbox_wide_roles

_GUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_STRONG = ("full_access_as_app", "ews.accessasuser.all", "applicationimpersonation")
_PERMISSIONS = (*mail_permissions(), *extra_mail_permissions())
_MATCH = " OR ".join(f"t LIKE '%{p.lower()}%'" for p in _PERMISSIONS)
_STRONG_MATCH = " OR ".join(f"t LIKE '%{p}%'" for p in _STRONG)
_APP = (
    f"lower(coalesce(nullif({clean(prop('ServicePrincipal.AppId'))}, ''), "
    f"nullif({clean(prop('ServicePrincipal.ObjectID'))}, ''), "
    f"regexp_extract(lower(coalesce(c.target_ids, '') || ' ' || coalesce(c.target, '')), "
    f"'({_GUID})', 1)))"
)

_GRANT_SQL = f"""
WITH {CHANGES_CTES},
grants AS (
    SELECT c.record_key, c.time, c.actor, c.ip, c.activity, c.detail AS t, {_APP} AS app,
        {clean(prop("ServicePrincipal.DisplayName"))} AS app_name,
        lower(coalesce({prop("DelegatedPermissionGrant.ConsentType")}, '')) LIKE '%allprincipals%'
            AS for_everyone,
        {familiar_sql("c.actor", "c.ip", "c.time")} AS familiar
    FROM changes c
    WHERE c.ok AND (c.activity LIKE 'add app role assignment%'
        OR c.activity LIKE 'add delegated permission grant%'
        OR c.activity LIKE 'consent to application%'
        OR c.activity LIKE 'add oauth2permissiongrant%')
),
hits AS (SELECT * FROM grants WHERE {_MATCH})
SELECT coalesce(nullif(app, ''), '?') AS app,
    {entity_lists(apps="nullif(app, '')", users="actor", ips="ip", evidence_keys="record_key")},
    min(time) AS first_seen, max(time) AS last_seen, count(*) AS grants,
    coalesce(
        string_agg(DISTINCT nullif(app_name, ''), ', ' ORDER BY nullif(app_name, '')),
        'unnamed'
    ) AS app_names,
    CASE WHEN {routine_sql()} THEN 'medium'
         WHEN bool_or({_STRONG_MATCH}) OR bool_or(activity LIKE 'add app role%')
              OR bool_or(for_everyone)
         THEN 'high' ELSE 'medium' END AS severity,
    {origin_sql(routine_sql())} AS origin
FROM hits
GROUP BY coalesce(nullif(app, ''), '?')
ORDER BY app
"""

_ROLES = mailbox_wide_roles()
_ROLE_MATCH = " OR ".join(f"p LIKE '%{r.lower()}%'" for r in _ROLES)


def _param(name: str) -> str:
    return f"json_extract_string(e.parameters, '$.{name}')"


_GRANTEE = f"coalesce({_param('Members')}, {_param('User')}, {_param('App')}, " + (
    f"{_param('SecurityGroup')}, {_param('Policy')}, {_param('Member')})"
)
_IMPERSONATION_SQL = f"""
WITH {IDENTITY_CTES},
role_ops AS (
    SELECT e.*, lower(coalesce(e.parameters, '')) AS p, lower(e.operation) AS op
    FROM audit_events e
    WHERE lower(e.operation) IN ('new-managementroleassignment', 'new-rolegroup',
        'add-rolegroupmember', 'set-managementroleassignment') AND {ok("e.result")}
),
mighty_groups AS (
    SELECT DISTINCT lower(coalesce({_param("Name")}, {_param("SecurityGroup")})) AS grp
    FROM role_ops e
    WHERE ({_ROLE_MATCH}) AND op IN ('new-rolegroup', 'new-managementroleassignment')
),
grants AS (
    SELECT e.record_key, e.time, lower(e.user_id) AS actor, e.client_ip AS ip, e.op,
        e.organization_id AS org,
        coalesce({_param("Role")}, {_param("Roles")},
            'member of ' || {_param("Identity")}) AS role,
        coalesce({_param("Name")}, {_param("Identity")}, {_param("SecurityGroup")}) AS via,
        {_GRANTEE} AS grantee_raw,
        {familiar_sql("e.user_id", "e.client_ip", "e.time")} AS familiar
    FROM role_ops e
    WHERE ({_ROLE_MATCH}) OR (e.op = 'add-rolegroupmember'
        AND lower({_param("Identity")}) IN (SELECT grp FROM mighty_groups))
),
named AS (
    SELECT g.*, coalesce({display("g.grantee_raw", org="g.org")}, 'unnamed grantee') AS grantee
    FROM (SELECT * EXCLUDE (grantee_raw), trim(unnest(string_split(coalesce(grantee_raw, ''),
        ','))) AS grantee_raw FROM grants) g
),
{island_ctes("named", "s.actor")}
SELECT actor, island,
    {entity_lists(users="actor", ips="ip", evidence_keys="record_key")},
    array_agg(DISTINCT grantee) FILTER (WHERE {"regexp_matches(grantee, '^" + _GUID + "$')"})
        AS apps,
    min(time) AS first_seen, max(time) AS last_seen, count(DISTINCT record_key) AS grants,
    string_agg(DISTINCT grantee, ', ' ORDER BY grantee) AS grantees,
    string_agg(DISTINCT role, ', ' ORDER BY role) AS roles,
    string_agg(DISTINCT via, ', ' ORDER BY via) AS via,
    CASE WHEN {routine_sql()} THEN 'medium' ELSE 'high' END AS severity,
    {origin_sql(routine_sql())} AS origin
FROM islands
GROUP BY actor, island
ORDER BY first_seen, actor
"""

_CREDENTIAL_SQL = f"""
WITH creds AS (
    SELECT record_key, time, initiated_by_upn AS actor, initiated_by_ip AS ip,
        lower(coalesce(target_ids, '') || ' ' || coalesce(modified_properties, '')) AS ids,
        lower(trim(coalesce(target_names, ''))) AS target_name,
        {familiar_sql("d.initiated_by_upn", "d.initiated_by_ip", "d.time")} AS familiar
    FROM directory_audits d
    WHERE lower(activity) LIKE 'add service principal credentials%'
       OR (lower(activity) LIKE 'update application%'
           AND lower(coalesce(modified_properties, '')) LIKE '%keycredentials%')
       OR lower(activity) LIKE 'update application%certificates and secrets%'
),
apps AS (
    SELECT DISTINCT lower({client_app_sql()}) AS app_id FROM mail_access
    WHERE {client_app_sql()} IS NOT NULL
),
-- display names that name exactly one app (Entra display names are not unique)
names AS (
    SELECT name, any_value(app_id) AS app_id FROM ({APP_NAMES_SQL})
    GROUP BY name HAVING count(DISTINCT app_id) = 1
),
linked AS (
    SELECT DISTINCT c.*, a.app_id FROM creds c
    LEFT JOIN names n ON n.name = c.target_name  -- at most one row: names are unique
    JOIN apps a ON position(a.app_id IN c.ids) > 0 OR a.app_id = n.app_id
),
reads AS (
    SELECT l.record_key AS cred_key, l.time AS cred_time, l.actor, l.ip AS cred_ip,
        l.app_id AS linked_app, l.familiar, m.time, m.mailbox_upn, m.client_ip, m.record_key
    FROM linked l JOIN mail_access m
      ON lower({client_app_sql("m.app_id", "m.client_app_id")}) = l.app_id
    WHERE m.time > l.time AND m.time <= l.time + INTERVAL '7' DAY
)
SELECT linked_app AS app,
    {entity_lists(apps="linked_app", mailboxes="mailbox_upn", ips="client_ip")},
    array_agg(DISTINCT cred_key) || array_agg(DISTINCT record_key) AS evidence_keys,
    min(cred_time) AS first_seen, max(time) AS last_seen,
    count(DISTINCT mailbox_upn) AS mailbox_count, count(*) AS records,
    CASE WHEN {routine_sql("cred_ip")} THEN 'medium' ELSE 'high' END AS severity,
    {origin_sql(routine_sql("cred_ip"))} AS origin
FROM reads
GROUP BY linked_app
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
            "App role assignments, delegated grants or consents (Graph directory audits or "
            "UAL Entra records) that include full_access_as_app, EWS.AccessAsUser.All, "
            "Mail.Read/ReadWrite/Send, SMTP.SendAsApp and kin; high for application "
            "permissions and grants for all users, medium for one user's delegated grant."
        ),
        runbook=(
            "Identify the app and who granted it; revoke the grant and the app's "
            "credentials if unsanctioned; scope every mailbox the app read afterwards."
        ),
        severity="high",
        attack_ids=("T1098.003", "T1528", "T1114.002"),
        requires=(),
        sql=_GRANT_SQL,
        confidence=0.75,
        explain=(
            "{grants} grant(s) of mail-reading permissions to app {app} ({app_names}), {origin}"
        ),
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
        title="Mailbox-wide Exchange role assigned (ApplicationImpersonation …)",
        description=(
            "New-ManagementRoleAssignment or New-RoleGroup giving ApplicationImpersonation, "
            "Mailbox Import Export or an RBAC-for-Applications mail role, or Add-RoleGroupMember "
            "to a role group the case shows holding one; names the grantee."
        ),
        runbook=(
            "Remove the assignment or role group unless a documented migration or archiving "
            "tool needs it; identify the grantee (app id or account) and scope every mailbox "
            "it reached (EWS / Graph reads with its app id)."
        ),
        severity="high",
        attack_ids=("T1098.002", "T1098.003"),
        requires=("audit_events",),
        sql=_IMPERSONATION_SQL,
        confidence=0.8,
        explain="{actor} gave {roles} to {grantees} ({grants} change(s) via {via}), {origin}",
        tests=(
            RuleTest(
                "impersonation assigned",
                merge(
                    audit(
                        "New-ManagementRoleAssignment",
                        time=at(1),
                        parameters='{"Role":"ApplicationImpersonation","User":"svc@example.org"}',
                    )
                ),
                True,
                {"users": ("alice@example.org",)},
            ),
            RuleTest(
                "role group holding impersonation created for an app",
                merge(
                    audit(
                        "New-RoleGroup",
                        time=at(1),
                        parameters=orjson.dumps(
                            {
                                "Name": "Sync",
                                "Roles": "ApplicationImpersonation",
                                "Members": EVIL_APP,
                            }
                        ).decode(),
                    )
                ),
                True,
                {"apps": (EVIL_APP,)},
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
            "A secret or certificate added to an app, and the app reading mail within 7 days; "
            "the app is found by id or by the display name its own records carry; medium "
            "when the credential came from a network the account or organisation uses."
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
            "({records:,} record(s)) within 7 days; the credential was added {origin}"
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
