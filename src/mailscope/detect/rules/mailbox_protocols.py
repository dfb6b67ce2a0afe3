"""Legacy mail protocols switched on: POP, IMAP, ActiveSync or SMTP AUTH.

POP and IMAP let a client download a whole mailbox with a password alone where legacy
authentication is allowed, and they are what exfiltration scripts use once an account is
taken (det-eng-samples T1114.002 ``Set-CASMailbox -ImapEnabled $true -PopEnabled $true``;
Microsoft Learn, "Set-CASMailbox", "Enable or disable SMTP AUTH"). Admins also enable
them for scanners and line-of-business apps, so this is medium, naming each mailbox.
"""

from __future__ import annotations

from mailscope.detect.events import at, audit, merge
from mailscope.detect.rule import RuleTest, entity_lists, sql_detection
from mailscope.detect.rules.admin_changes import island_ctes, ok
from mailscope.detect.rules.identities import IDENTITY_CTES, display

_PROTOCOLS = {
    "PopEnabled": "POP",
    "ImapEnabled": "IMAP",
    "ActiveSyncEnabled": "ActiveSync",
    "SmtpClientAuthenticationDisabled": "SMTP AUTH",
}


def _on(name: str) -> str:
    value = f"lower(coalesce(json_extract_string(e.parameters, '$.{name}'), ''))"
    return f"{value} = 'false'" if name.endswith("Disabled") else f"{value} = 'true'"


_ENABLED = (
    "concat_ws(', ', "
    + ", ".join(f"CASE WHEN {_on(name)} THEN '{label}' END" for name, label in _PROTOCOLS.items())
    + ")"
)
_MAILBOX = display(
    "json_extract_string(e.parameters, '$.Identity')", "e.object_id", org="e.organization_id"
)

_SQL = f"""
WITH {IDENTITY_CTES},
enabled AS (
    SELECT e.record_key, e.time, lower(e.user_id) AS actor, e.client_ip AS ip,
        {_ENABLED} AS protocols,
        CASE WHEN lower(e.operation) = 'set-casmailbox' THEN {_MAILBOX} END AS mailbox
    FROM audit_events e
    WHERE lower(e.operation) IN ('set-casmailbox', 'set-casmailboxplan', 'set-transportconfig')
        AND {ok("e.result")}
),
{island_ctes("(SELECT * FROM enabled WHERE protocols <> '')", "s.actor")}
SELECT actor, island,
    {entity_lists(mailboxes="mailbox", users="actor", ips="ip", evidence_keys="record_key")},
    min(time) AS first_seen, max(time) AS last_seen, count(*) AS changes,
    array_to_string(list_sort(list_distinct(flatten(list(string_split(protocols, ', '))))),
        ', ') AS enabled,
    coalesce(array_to_string(list(DISTINCT mailbox ORDER BY mailbox), ', '), 'the organisation')
        AS mailbox_list,
    'medium' AS severity
FROM islands
GROUP BY actor, island
ORDER BY first_seen, actor
"""

DETECTIONS = (
    sql_detection(
        id="MS-LEGACY-PROTOCOL-ENABLED",
        title="POP, IMAP, ActiveSync or SMTP AUTH enabled",
        description=(
            "Set-CASMailbox (or the mailbox plan) enabling POP, IMAP or ActiveSync, or "
            "Set-TransportConfig enabling SMTP AUTH, naming each mailbox."
        ),
        runbook=(
            "Ask why the protocol is needed; disable it otherwise; search the mailbox's "
            "sign-ins for POP/IMAP clients and what they downloaded."
        ),
        severity="medium",
        attack_ids=("T1114.002", "T1556"),
        requires=("audit_events",),
        sql=_SQL,
        confidence=0.5,
        explain="{actor} enabled {enabled} for {mailbox_list} ({changes} change(s))",
        tests=(
            RuleTest(
                "IMAP and POP enabled",
                merge(
                    audit(
                        "Set-CASMailbox",
                        time=at(1),
                        parameters='{"Identity":"bob@example.org","ImapEnabled":"True",'
                        '"PopEnabled":"True"}',
                    )
                ),
                True,
                {"mailboxes": ("bob@example.org",)},
            ),
            RuleTest(
                "OWA enabled only",
                merge(
                    audit(
                        "Set-CASMailbox",
                        time=at(1),
                        parameters='{"Identity":"bob@example.org","OWAEnabled":"True"}',
                    )
                ),
                False,
            ),
        ),
    ),
)
