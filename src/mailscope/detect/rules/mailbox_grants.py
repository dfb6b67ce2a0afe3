"""BEC staples (detection 13, part 2): mailbox forwarding, mailbox and folder permission
grants, SendAs / SendOnBehalf grants, and user consent to applications.

``Set-Mailbox -ForwardingSmtpAddress`` sends a copy of all mail out;
``Add-MailboxPermission -AccessRights FullAccess`` gives another account the mailbox,
``Add-RecipientPermission -AccessRights SendAs -Trustee`` and ``Set-Mailbox
-GrantSendOnBehalfTo`` let it send as the owner, folder permissions expose single folders
(Microsoft Learn, "Responding to a compromised email account"; "Add-RecipientPermission").
Administrators do all of these routinely (shared mailboxes, assistants, calendars), so a
grant is medium at most, and low when a system account or calendar sharing does it; a
mail folder opened to ``Default``/``Anonymous`` (everyone) is high, and so is forwarding to
an address outside the tenant. Every party is named by address where the case can say
who a GUID, alias or DN is (:mod:`mailscope.detect.rules.identities`).
"""

from __future__ import annotations

import orjson

from mailscope.detect.events import ACTOR_IP, at, audit, directory_audit, merge
from mailscope.detect.rule import RuleTest, entity_lists, sql_detection
from mailscope.detect.rules.admin_changes import island_ctes, ok
from mailscope.detect.rules.identities import IDENTITY_CTES, display, is_internal


def _params(**values: str) -> str:
    return orjson.dumps(values).decode()


def _param(name: str) -> str:
    return f"json_extract_string(e.parameters, '$.{name}')"


_ENTITIES = f"""{entity_lists(ips="ip", evidence_keys="record_key")},
    min(time) AS first_seen, max(time) AS last_seen"""

_FORWARD_SQL = f"""
WITH {IDENTITY_CTES},
sets AS (
    SELECT e.record_key, e.time, lower(coalesce(nullif(e.user_id, ''), 'unknown')) AS actor,
        e.client_ip AS ip, e.organization_id AS org,
        coalesce(nullif({_param("ForwardingSmtpAddress")}, ''),
            nullif({_param("ForwardingAddress")}, '')) AS target_raw,
        {display(_param("Identity"), "e.object_id", org="e.organization_id")} AS mailbox,
        lower(coalesce({_param("DeliverToMailboxAndForward")}, '')) = 'false' AS only_out
    FROM audit_events e
    WHERE lower(e.operation) = 'set-mailbox' AND {ok("e.result")}
),
forwards AS (
    SELECT s.*, {display("s.target_raw", org="s.org")} AS target FROM sets s
    WHERE target_raw IS NOT NULL AND lower(target_raw) NOT IN ('$null', 'null')
),
rated AS (
    SELECT f.*, {is_internal("f.target")} AS internal FROM forwards f
),
{island_ctes("rated", "s.actor || '|' || s.target")}
SELECT actor, target, island,
    {entity_lists(mailboxes="mailbox", users="actor")}, {_ENTITIES},
    array_to_string(list(DISTINCT mailbox ORDER BY mailbox), ', ') AS mailbox_list,
    count(*) AS changes, bool_or(only_out) AS only_out,
    CASE WHEN bool_or(internal = false) THEN 'outside the tenant'
         WHEN bool_or(internal IS NULL) THEN 'destination not placed' ELSE 'inside' END
        AS place,
    CASE WHEN bool_or(internal = false) THEN 'high'
         WHEN bool_or(internal IS NULL) THEN 'medium' ELSE 'low' END AS severity
FROM islands
GROUP BY actor, target, island
ORDER BY first_seen, actor, target
"""

_PERMISSION_OPS = (
    "('add-mailboxpermission', 'add-mailboxfolderpermission', 'set-mailboxfolderpermission', "
    "'addfolderpermissions', 'modifyfolderpermissions')"
)
_FOLDER_OPS = "('add-mailboxfolderpermission', 'set-mailboxfolderpermission')"
_MAIL_FOLDERS = "('', 'inbox', 'top of information store', 'sent items', 'drafts', 'archive')"
_NO_READ = "('none', 'availabilityonly', 'limiteddetails', 'contributor')"
_SHARED_FOLDERS = "('calendar', 'contacts', 'tasks', 'calendrier', 'kalender', 'calendario')"

_PERMISSION_SQL = f"""
WITH {IDENTITY_CTES},
grants AS (
    SELECT e.record_key, e.time, lower(coalesce(nullif(e.user_id, ''), 'unknown')) AS actor,
        e.client_ip AS ip, e.organization_id AS org, lower(e.operation) AS operation,
        CASE WHEN lower(e.operation) IN {_FOLDER_OPS}
             THEN split_part({_param("Identity")}, ':', 1) ELSE {_param("Identity")} END
            AS mailbox_raw,
        CASE WHEN lower(e.operation) IN {_FOLDER_OPS}
             THEN lower(trim(regexp_replace(split_part({_param("Identity")}, ':', 2),
                  '^[\\\\/]+', ''))) END AS folder,
        coalesce({_param("User")}, {_param("Trustee")}) AS grantee_raw,
        lower(coalesce({_param("AccessRights")}, '')) AS rights, e.object_id
    FROM audit_events e
    WHERE lower(e.operation) IN {_PERMISSION_OPS} AND {ok("e.result")}
),
named AS (
    SELECT g.*,
        coalesce({display("g.mailbox_raw", "g.object_id", org="g.org")}, 'unknown mailbox')
            AS mailbox,
        coalesce({display("g.grantee_raw", org="g.org")}, 'unknown grantee') AS grantee
    FROM grants g
),
rated AS (
    SELECT *, CASE
        WHEN lower(grantee) IN ('default', 'anonymous') AND coalesce(folder, '') IN {_MAIL_FOLDERS}
            AND rights NOT IN {_NO_READ} THEN 3
        WHEN actor NOT LIKE '%@%' OR lower(grantee) LIKE '%discovery management%' THEN 1
        WHEN folder IN {_SHARED_FOLDERS} THEN 1
        ELSE 2 END AS rank,
        grantee || ' on ' || mailbox || coalesce(':\\' || nullif(folder, ''), '')
            || ' (' || coalesce(nullif(rights, ''), 'rights not logged') || ')' AS grant_text
    FROM named
),
{island_ctes("rated", "s.actor")}
SELECT actor, island,
    {entity_lists(mailboxes="mailbox")},
    list_distinct(list_concat(list(DISTINCT actor), list(DISTINCT grantee)
        FILTER (WHERE grantee LIKE '%@%'))) AS users, {_ENTITIES},
    count(*) AS grants,
    list(DISTINCT grantee ORDER BY grantee) AS grantees,
    array_to_string(list_slice(list_sort(list(DISTINCT grant_text)), 1, 8), '; ')
        || CASE WHEN count(DISTINCT grant_text) > 8 THEN '; …' ELSE '' END AS what,
    CASE max(rank) WHEN 3 THEN 'high' WHEN 2 THEN 'medium' ELSE 'low' END AS severity
FROM islands
GROUP BY actor, island
ORDER BY first_seen, actor
"""

_SEND_SQL = f"""
WITH {IDENTITY_CTES},
raw_grants AS (
    SELECT e.record_key, e.time, lower(coalesce(nullif(e.user_id, ''), 'unknown')) AS actor,
        e.client_ip AS ip, e.organization_id AS org, e.object_id,
        CASE WHEN lower(e.operation) = 'set-mailbox' THEN 'SendOnBehalf' ELSE 'SendAs' END
            AS kind,
        {_param("Identity")} AS mailbox_raw,
        coalesce({_param("Trustee")}, {_param("GrantSendOnBehalfTo")}) AS grantee_list
    FROM audit_events e
    WHERE {ok("e.result")} AND (
        (lower(e.operation) = 'add-recipientpermission'
            AND lower(coalesce({_param("AccessRights")}, 'sendas')) LIKE '%sendas%')
        OR (lower(e.operation) = 'set-mailbox' AND {_param("GrantSendOnBehalfTo")} IS NOT NULL))
),
grants AS (
    SELECT * EXCLUDE (grantee_list), trim(regexp_replace(part,
        '^\\s*@\\{{\\s*(add\\s*=)?|\\}}\\s*$|"', '', 'gi'))
        AS grantee_raw
    FROM (SELECT *, unnest(string_split(grantee_list, ',')) AS part FROM raw_grants)
    WHERE lower(grantee_list) NOT LIKE '%remove%' AND lower(trim(part)) NOT IN ('$null', '')
),
named AS (
    SELECT g.*,
        coalesce({display("g.mailbox_raw", "g.object_id", org="g.org")}, 'unknown mailbox')
            AS mailbox,
        coalesce({display("g.grantee_raw", org="g.org")}, 'unknown grantee') AS grantee
    FROM grants g
),
{island_ctes("named", "s.actor")}
SELECT actor, island,
    {entity_lists(mailboxes="mailbox")},
    list_distinct(list_concat(list(DISTINCT actor), list(DISTINCT grantee)
        FILTER (WHERE grantee LIKE '%@%'))) AS users, {_ENTITIES},
    count(*) AS grants, list(DISTINCT grantee ORDER BY grantee) AS grantees,
    array_to_string(list_slice(list_sort(list(DISTINCT grantee || ' may send ' ||
        CASE kind WHEN 'SendAs' THEN 'as ' ELSE 'on behalf of ' END || mailbox)), 1, 8), '; ')
        || CASE WHEN count(*) > 8 THEN '; …' ELSE '' END AS what,
    CASE WHEN actor LIKE '%@%' THEN 'medium' ELSE 'low' END AS severity
FROM islands
GROUP BY actor, island
ORDER BY first_seen, actor
"""

_CONSENT_SQL = f"""
SELECT lower(coalesce(actor, '')) AS actor,
    {entity_lists(users="lower(actor)", ips="ip", evidence_keys="record_key")},
    min(time) AS first_seen, max(time) AS last_seen, count(*) AS grants,
    string_agg(DISTINCT target, ', ' ORDER BY target) AS targets
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

_ADMIN = "admin@example.org"
DETECTIONS = (
    sql_detection(
        id="MS-MAILBOX-FORWARDING",
        title="Mailbox forwarding set (Set-Mailbox)",
        description=(
            "Set-Mailbox with ForwardingSmtpAddress or ForwardingAddress, one finding per "
            "actor, destination and incident; high when the destination is outside the "
            "tenant, medium when the case cannot place it, low inside."
        ),
        runbook=(
            "Clear the forwarding (Set-Mailbox -ForwardingSmtpAddress $null); find who set "
            "it and from where; tell the owners what was forwarded since."
        ),
        severity="medium",
        attack_ids=("T1114.003",),
        requires=("audit_events",),
        sql=_FORWARD_SQL,
        confidence=0.7,
        explain="{actor} set mail of {mailbox_list} to forward to {target} ({place})",
        tests=(
            RuleTest(
                "forwarding to an outside address",
                merge(
                    audit(
                        "Set-Mailbox",
                        time=at(1),
                        client_ip=ACTOR_IP,
                        parameters=_params(
                            Identity="alice@example.org", ForwardingSmtpAddress="smtp:x@evil.test"
                        ),
                    )
                ),
                True,
                {"ips": (ACTOR_IP,), "mailboxes": ("alice@example.org",)},
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
            "Add-MailboxPermission (FullAccess …) or mailbox folder permission changes, one "
            "finding per actor and incident naming grantee, mailbox and rights; medium for "
            "people, low for system accounts and calendar sharing, high when a mail folder "
            "is opened to Default or Anonymous."
        ),
        runbook=(
            "Confirm each grant with the mailbox owner and the administrator; remove unknown "
            "ones (Remove-MailboxPermission / Remove-MailboxFolderPermission) and review what "
            "the grantee read since."
        ),
        severity="medium",
        attack_ids=("T1098.002",),
        requires=("audit_events",),
        sql=_PERMISSION_SQL,
        confidence=0.5,
        explain="{actor} granted {grants} mailbox permission(s): {what}",
        tests=(
            RuleTest(
                "FullAccess granted by an admin",
                merge(
                    audit(
                        "Add-MailboxPermission",
                        time=at(1),
                        user_id=_ADMIN,
                        parameters=_params(
                            Identity="bob@example.org",
                            User="eve@example.org",
                            AccessRights="FullAccess",
                        ),
                    )
                ),
                True,
                {"mailboxes": ("bob@example.org",), "users": ("eve@example.org",)},
            ),
            RuleTest("unrelated cmdlet", merge(audit("Get-MailboxPermission", time=at(1))), False),
        ),
    ),
    sql_detection(
        id="MS-SEND-AS-GRANT",
        title="SendAs or SendOnBehalf granted",
        description=(
            "Add-RecipientPermission -AccessRights SendAs (grantee in Trustee) or Set-Mailbox "
            "-GrantSendOnBehalfTo, naming grantee and mailbox; medium for people, low for "
            "system accounts."
        ),
        runbook=(
            "Confirm the grant with the mailbox owner; remove it if unknown "
            "(Remove-RecipientPermission); search Send records of the grantee as the owner."
        ),
        severity="medium",
        attack_ids=("T1098.002", "T1534"),
        requires=("audit_events",),
        sql=_SEND_SQL,
        confidence=0.5,
        explain="{actor} granted {grants} send permission(s): {what}",
        tests=(
            RuleTest(
                "SendAs granted to a trustee",
                merge(
                    audit(
                        "Add-RecipientPermission",
                        time=at(1),
                        user_id=_ADMIN,
                        parameters=_params(
                            Identity="bob@example.org",
                            Trustee="eve@example.org",
                            AccessRights="SendAs",
                        ),
                    )
                ),
                True,
                {"users": ("eve@example.org",), "mailboxes": ("bob@example.org",)},
            ),
            RuleTest(
                "send-on-behalf cleared",
                merge(
                    audit(
                        "Set-Mailbox",
                        time=at(1),
                        user_id=_ADMIN,
                        parameters=_params(Identity="bob", GrantSendOnBehalfTo="$null"),
                    )
                ),
                False,
            ),
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
