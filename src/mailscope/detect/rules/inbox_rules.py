"""BEC inbox rules (detection 13, part 1): what each rule does decides its severity, and
rule changes are grouped into incidents by actor and time.

Attackers who take over a mailbox create rules that forward or redirect mail out, delete
it, or mark it read and move it to a folder nobody looks at ("RSS Feeds", "Conversation
History", "Archive") so the victim never sees replies; the rules often have names of one
character or punctuation only ("." / ".."), seen in the huntress CTF tenant and the
det-eng-samples lab (Microsoft Learn, "Detect and Remediate Outlook Rules and Custom Forms
Injections Attacks"; CISA AA20-352A). Users also forward mail to colleagues and file
newsletters: a forward that stays inside the tenant is low, not high.

Severity of one rule: **high** for a forward/redirect outside the tenant, deleting mail
(incl. a move to Deleted Items), a move to a hiding folder with mark-as-read, or a
punctuation / one-character name on a rule that acts; **medium** for a forward whose
destination the case cannot place, a move to a hiding folder or mark-as-read alone;
**low** for forwards that stay inside. An incident is one actor's rule changes with no
gap over 24 h; it takes the highest severity of its rules.

A burst is several such changes from one address within an hour. Forwards that stay
inside count towards it only from a network the account or the organisation does not
routinely sign in from (:mod:`.familiar`): an administrator who sets up copies to deputies
for three colleagues from the office is doing the job, an intruder fanning mail out to a
mailbox it holds does the same from elsewhere.
"""

from __future__ import annotations

import orjson

from mailscope.detect.events import ACTOR_IP, OFFICE_IP, at, audit, merge, signin
from mailscope.detect.rule import RuleTest, entity_lists, sql_detection
from mailscope.detect.rules.admin_changes import island_ctes, ok
from mailscope.detect.rules.familiar import familiar_sql
from mailscope.detect.rules.identities import IDENTITY_CTES, display, is_internal, resolved

BURST_RULES = 3
HIDING_FOLDERS = (
    "rss feeds",
    "rss subscriptions",
    "conversation history",
    "archive",
    "flux rss",
    "historique des conversations",
    "archives",
    "unterhaltungsverlauf",
    "rss-feeds",
    "archiv",
    "historial de conversaciones",
    "fuentes rss",
    "archivo",
)
"""Folders nobody reads (with localised names seen in real exports)."""
QUIET_FOLDERS = ("junk email", "junk e-mail", "notes", "courrier indésirable", "outbox")
DELETED_FOLDERS = (
    "deleted items",
    "éléments supprimés",
    "gelöschte elemente",
    "elementos eliminados",
)
_RULE_OPS = "('new-inboxrule', 'set-inboxrule', 'updateinboxrules', 'enable-inboxrule')"
_EMAIL = "[a-z0-9._%+''-]+@[a-z0-9-]+(\\.[a-z0-9-]+)+"


def _quoted(names: tuple[str, ...]) -> str:
    return "(" + ", ".join("'" + n.replace("'", "''") + "'" for n in names) + ")"


def _param(name: str) -> str:
    return f"json_extract_string(e.parameters, '$.{name}')"


def _true(name: str) -> str:
    return f"lower(coalesce({_param(name)}, '')) = 'true'"


_ACTIONS = _param("RuleActions")
_ACTION_RECIPIENTS = (
    f"CASE WHEN json_valid({_ACTIONS}) THEN "
    f"json_extract_string(CAST({_ACTIONS} AS JSON), '$[*].Recipients[*]') END"
)
_ACTION_FOLDER = (
    f"CASE WHEN json_valid({_ACTIONS}) THEN "
    f"json_extract_string(CAST({_ACTIONS} AS JSON), '$[*].Folder')[1] END"
)
_OBJECT_MAILBOX = "regexp_extract(e.object_id, '^(.*)\\\\[^\\\\]*$', 1)"

_AUDIT_RULES = f"""
audit_rules AS (
    SELECT e.record_key, e.time, lower(e.user_id) AS actor, e.client_ip AS ip,
        coalesce(nullif(e.aad_session_id, ''), e.session_id) AS session, e.unique_token_id,
        e.organization_id AS org,
        coalesce(nullif(lower(e.mailbox_upn), ''),
            {resolved(_param("Mailbox"), "e.organization_id")},
            {resolved(_OBJECT_MAILBOX, "e.organization_id")},
            nullif({_param("Mailbox")}, ''),
            nullif(regexp_extract({_OBJECT_MAILBOX}, '([^/]*)$', 1), ''), lower(e.user_id))
            AS mailbox,
        coalesce({_param("Name")}, {_param("RuleName")}, {_param("Identity")},
            regexp_extract(e.object_id, '\\\\([^\\\\]*)$', 1)) AS rule_name,
        list_concat(string_split(coalesce({_param("ForwardTo")}, ''), ';'),
            string_split(coalesce({_param("RedirectTo")}, ''), ';'),
            string_split(coalesce({_param("ForwardAsAttachmentTo")}, ''), ';'),
            coalesce({_ACTION_RECIPIENTS}, [])) AS raw_targets,
        ({_true("DeleteMessage")} OR {_true("SoftDeleteMessage")} OR {_true("PermanentDelete")}
            OR lower(coalesce({_ACTIONS}, '')) LIKE '%"actiontype":"delete"%'
            OR lower(coalesce({_ACTIONS}, '')) LIKE '%"actiontype":"permanentdelete"%')
            AS deletes,
        lower(regexp_replace(coalesce({_param("MoveToFolder")}, {_ACTION_FOLDER}, ''),
            '^.*[\\\\:]', '')) AS folder,
        ({_true("MarkAsRead")} OR lower(coalesce({_ACTIONS}, '')) LIKE '%markasread%')
            AS marks_read
    FROM audit_events e
    WHERE lower(e.operation) IN {_RULE_OPS} AND {ok("e.result")}
        AND lower(coalesce({_param("RuleOperation")}, '')) NOT LIKE 'remove%'
)"""


def _classified(source: str) -> str:
    """CTEs classifying the rules of ``source`` (rows with record_key, org, rule_name,
    raw_targets, deletes, folder, marks_read) into ``verdicts``."""
    target = (
        f"coalesce({resolved('t.address', 't.org')}, nullif(t.address, ''), "
        f"{display('t.raw_target', org='t.org')})"
    )
    return f"""
rule_targets AS (
    SELECT record_key, org, trim(raw_target) AS raw_target,
        regexp_extract(lower(raw_target), '{_EMAIL}', 0) AS address
    FROM (SELECT record_key, org, unnest(raw_targets) AS raw_target FROM {source})
    WHERE trim(raw_target) <> ''
),
named_targets AS (
    SELECT record_key, {target} AS target FROM rule_targets t
),
rule_forwards AS (
    SELECT record_key, list(DISTINCT target ORDER BY target) AS targets,
        bool_or({is_internal("target")} = false) AS outside,
        bool_or({is_internal("target")} IS NULL) AS unplaced
    FROM named_targets GROUP BY record_key
),
verdicts AS (
    SELECT r.*, coalesce(f.targets, []) AS targets,
        coalesce(f.outside, false) AS outside, coalesce(f.unplaced, false) AS unplaced,
        (r.deletes OR r.folder IN {_quoted(DELETED_FOLDERS)}) AS removes,
        r.folder IN {_quoted(HIDING_FOLDERS)} AS hides,
        r.folder IN {_quoted(QUIET_FOLDERS)} AS quiets,
        (regexp_matches(trim(coalesce(r.rule_name, 'x')), '^[[:punct:][:space:]]+$')
            OR length(trim(coalesce(r.rule_name, 'xx'))) = 1) AS odd_name
    FROM {source} r LEFT JOIN rule_forwards f ON f.record_key = r.record_key
),
ranked AS (
    SELECT *, CASE
        WHEN outside OR removes OR (hides AND marks_read)
            OR (odd_name AND (len(targets) > 0 OR removes OR folder <> '' OR marks_read)) THEN 3
        WHEN unplaced OR hides OR quiets OR marks_read THEN 2
        WHEN len(targets) > 0 THEN 1 ELSE 0 END AS rank,
        concat_ws(' and ',
            CASE WHEN len(targets) > 0 THEN 'forwards to ' || array_to_string(targets, ', ')
                || CASE WHEN outside THEN ' (outside the tenant)'
                        WHEN unplaced THEN ' (destination not placed)' ELSE ' (inside)' END END,
            CASE WHEN removes THEN 'deletes mail' END,
            CASE WHEN folder <> '' AND NOT removes THEN 'moves mail to ' || folder END,
            CASE WHEN marks_read THEN 'marks it read' END) AS does
    FROM verdicts
)"""


_SEVERITY = "CASE max(rank) WHEN 3 THEN 'high' WHEN 2 THEN 'medium' ELSE 'low' END"
_NAMES = "list(DISTINCT '''' || coalesce(rule_name, '?') || '''')"


def _summary(source: str, keys: str) -> str:
    """CTEs ``kinds`` and ``summary`` (``keys``, what): each group's rules by what they
    do, worst first, naming at most five rules per kind."""
    return f"""
kinds AS (
    SELECT {keys}, does, max(rank) AS rank, count(*) AS n, min(time) AS since,
        list_slice(list_sort({_NAMES}), 1, 5) AS names
    FROM {source} GROUP BY {keys}, does
),
summary AS (
    SELECT {keys}, string_agg(
        CASE WHEN n = 1 THEN names[1] || ' ' || does
             ELSE n || ' rules (' || array_to_string(names, ', ')
                  || CASE WHEN n > len(names) THEN ', …' ELSE '' END || ') ' || does END,
        '; ' ORDER BY rank DESC, since, does) AS what
    FROM kinds GROUP BY {keys}
)"""


_SQL = f"""
WITH {IDENTITY_CTES}, {_AUDIT_RULES}, {_classified("audit_rules")},
flagged AS (SELECT * FROM ranked WHERE rank > 0),
{island_ctes("flagged", "s.actor")}, {_summary("islands", "actor, island")}
SELECT i.actor, i.island,
    {entity_lists(mailboxes="mailbox", users="i.actor", ips="ip", sessions="session")},
    {entity_lists(tokens="unique_token_id", evidence_keys="record_key")},
    min(time) AS first_seen, max(time) AS last_seen, count(*) AS rules,
    list_sort(list_distinct(flatten(list(targets)))) AS targets,
    count(*) FILTER (WHERE rank = 3) AS high_rules,
    any_value(m.what) AS what,
    array_to_string(list(DISTINCT mailbox ORDER BY mailbox), ', ') AS mailbox_list,
    {_SEVERITY} AS severity
FROM islands i JOIN summary m ON m.actor = i.actor AND m.island = i.island
GROUP BY i.actor, i.island
ORDER BY first_seen, i.actor
"""

_BURST_SQL = f"""
WITH {IDENTITY_CTES}, {_AUDIT_RULES}, {_classified("audit_rules")},
suspect AS (
    SELECT r.*,
        r.rank >= 2 OR (r.rank = 1 AND NOT {familiar_sql("r.actor", "r.ip", "r.time")}) AS counts
    FROM ranked r WHERE r.ip <> ''
),
windowed AS (
    SELECT *, count(*) FILTER (WHERE counts) OVER (PARTITION BY ip ORDER BY time
            RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW) AS flagged_in_hour,
        count(*) OVER (PARTITION BY ip ORDER BY time
            RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW) AS in_hour
    FROM suspect
),
{island_ctes("windowed", "s.ip", "INTERVAL '1' HOUR")}
SELECT ip, island,
    {entity_lists(mailboxes="mailbox", users="actor", ips="ip", sessions="session")},
    {entity_lists(tokens="unique_token_id", evidence_keys="record_key")},
    min(time) AS first_seen, max(time) AS last_seen,
    count(*) AS rules, max(in_hour) AS peak, count(DISTINCT mailbox) AS mailbox_count
FROM islands
GROUP BY ip, island
HAVING max(flagged_in_hour) >= {BURST_RULES} OR max(in_hour) >= 10
ORDER BY first_seen, ip
"""

_EXPORT_RULES = f"""
export_rules AS (
    SELECT record_key, CAST(NULL AS VARCHAR) AS org, lower({display("mailbox_upn")}) AS mailbox,
        name AS rule_name, CAST(NULL AS TIMESTAMP) AS time,
        list_concat(string_split(coalesce(forward_to, ''), ';'),
            string_split(coalesce(redirect_to, ''), ';'),
            string_split(coalesce(forward_as_attachment_to, ''), ';')) AS raw_targets,
        coalesce(delete_message, false) AS deletes,
        lower(regexp_replace(coalesce(move_to_folder, ''), '^.*[\\\\:]', '')) AS folder,
        (lower(coalesce(json_extract_string(raw, '$.MarkAsRead'), '')) = 'true'
            OR lower(coalesce(json_extract_string(raw, '$.TextDescription'), ''))
                LIKE '%mark the message as read%') AS marks_read
    FROM mail_rules WHERE kind = 'inbox' AND coalesce(enabled, true)
)"""

_EXPORT_SQL = f"""
WITH {IDENTITY_CTES}, {_EXPORT_RULES}, {_classified("export_rules")},
flagged AS (SELECT * FROM ranked WHERE rank > 0), {_summary("flagged", "mailbox")}
SELECT f.mailbox, {entity_lists(mailboxes="f.mailbox", evidence_keys="record_key")},
    count(*) AS rules,
    list_sort(list_distinct(flatten(list(targets)))) AS targets,
    any_value(m.what) AS what, {_SEVERITY} AS severity
FROM flagged f JOIN summary m ON m.mailbox = f.mailbox
GROUP BY f.mailbox
ORDER BY f.mailbox
"""


def _rule(day: float, user: str = "alice@example.org", **params: str) -> dict[str, object]:
    return audit(
        "New-InboxRule",
        time=at(day),
        user_id=user,
        client_ip=ACTOR_IP,
        parameters=orjson.dumps({"Name": "Sorting", **params}).decode(),
    )


_COLLEAGUES = ("bob@example.org", "carol@example.org", "dave@example.org")


def _deputies(ip: str) -> list[dict[str, object]]:
    """Alice sets up a copy to a deputy on three colleagues' mailboxes, from ``ip``."""
    return [
        audit(
            "New-InboxRule",
            time=at(2 + i / 500),
            client_ip=ip,
            mailbox_upn=None,
            parameters=orjson.dumps(
                {"Mailbox": box, "Name": "Copy to deputy", "ForwardTo": "erin@example.org"}
            ).decode(),
        )
        for i, box in enumerate(_COLLEAGUES)
    ]


def _exported(name: str, **fields: object) -> dict[str, list[dict[str, object]]]:
    row = {"record_key": f"mr-{name}", "kind": "inbox", "mailbox_upn": "alice@example.org"}
    return {"mail_rules": [{**row, "name": name, "enabled": True, **fields}]}


_ATTACK = "T1564.008"
DETECTIONS = (
    sql_detection(
        id="MS-INBOX-RULE-BEC",
        title="Inbox rule forwards, deletes or hides mail",
        description=(
            "New-/Set-InboxRule or UpdateInboxRules that forward or redirect mail, delete it, "
            "move it to a folder nobody reads or mark it read; one finding per actor and "
            "incident (no gap over 24 h). High for outside forwards, deletion, hide-and-mark-"
            "read and punctuation names; low for forwards that stay in the tenant."
        ),
        runbook=(
            "Read the rules in the mailbox (Get-InboxRule -IncludeHidden); remove them; reset "
            "the actor's credentials and revoke sessions; review mail sent, read and "
            "forwarded from the same IP and session; tell the recipients outside."
        ),
        severity="medium",
        attack_ids=(_ATTACK, "T1114.003"),
        requires=("audit_events",),
        sql=_SQL,
        confidence=0.7,
        explain="{actor}: {rules} inbox rule change(s) on {mailbox_list}: {what}",
        tests=(
            RuleTest(
                "rule hiding mail in Conversation History and marking it read",
                merge(_rule(1, MoveToFolder="Conversation History", MarkAsRead="True")),
                True,
                {"ips": (ACTOR_IP,), "mailboxes": ("alice@example.org",)},
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
        title="Burst of hiding or forwarding inbox rules from one IP",
        description=(
            f"{BURST_RULES}+ forwarding, deleting or hiding inbox-rule changes (or 10+ of "
            "any kind) from one IP within an hour; forwards inside the tenant count only "
            "from a network the account or organisation does not routinely sign in from."
        ),
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
                "four hiding rules in ten minutes",
                merge(*[_rule(1 + i / 500, MoveToFolder="RSS Feeds") for i in range(4)]),
                True,
                {"ips": (ACTOR_IP,)},
            ),
            RuleTest(
                "three ordinary filing rules in ten minutes",
                merge(*[_rule(1 + i / 500, MoveToFolder="Projects") for i in range(3)]),
                False,
            ),
            RuleTest(
                "three forwards to colleagues in ten minutes from a network new to the account",
                merge(*_deputies(ACTOR_IP)),
                True,
                {"ips": (ACTOR_IP,), "mailboxes": _COLLEAGUES},
            ),
            RuleTest(
                "an administrator's three copies to deputies from the network it works from",
                merge(*_deputies(OFFICE_IP), *[signin(time=at(day)) for day in (0, 1)]),
                False,
            ),
        ),
    ),
    sql_detection(
        id="MS-INBOX-RULE-EXPORTED",
        title="Exported inbox rule forwards, deletes or hides mail",
        description=(
            "Enabled inbox rules in a Get-InboxRule export that forward, redirect, delete or "
            "hide mail, one finding per mailbox; severity as for MS-INBOX-RULE-BEC."
        ),
        runbook=(
            "Confirm with the owner; remove the rule; find when it was created in the audit log."
        ),
        severity="medium",
        attack_ids=(_ATTACK, "T1114.003"),
        requires=("mail_rules",),
        sql=_EXPORT_SQL,
        confidence=0.6,
        explain="{rules} inbox rule(s) on {mailbox}: {what}",
        tests=(
            RuleTest(
                "rule forwarding to a free-mail address",
                _exported("fwd", forward_to="x@gmail.com"),
                True,
                {"mailboxes": ("alice@example.org",)},
            ),
            RuleTest(
                "rule moving to a project folder",
                _exported("proj", move_to_folder="Projects"),
                False,
            ),
        ),
    ),
)
