"""MFA and authentication-method changes: per-user MFA disabled, methods registered,
changed or deleted.

``Disable Strong Authentication`` and an ``Update user`` whose
``StrongAuthenticationRequirement`` goes from a state to ``[]`` (or ``State: 0``) turn
per-user MFA off (det-eng-samples T1556.006; SigmaHQ azure_user_account_mfa_disable).
Intruders holding an admin account disable MFA on the accounts they use (high when the
actor disables their own MFA), or register their own phone or authenticator on a victim
(medium when an admin registers or deletes a method for someone else, or a Temporary
Access Pass is issued). A user registering their own security info is routine (low).
"""

from __future__ import annotations

import orjson

from mailscope.detect.events import at, directory_audit, merge
from mailscope.detect.rule import RuleTest, entity_lists, sql_detection
from mailscope.detect.rules.admin_changes import CHANGES_CTES, island_ctes, prop

_EMAIL = "[a-z0-9._%+''-]+@[a-z0-9-]+(\\.[a-z0-9-]+)+"
_TARGET = (
    f"coalesce(nullif(regexp_extract(lower(coalesce(c.target, '')), '{_EMAIL}', 0), ''), "
    "lower(c.target))"
)
_REQUIREMENT_NEW = f"lower(coalesce({prop('StrongAuthenticationRequirement')}, ''))"
_REQUIREMENT_OLD = f"lower(coalesce({prop('StrongAuthenticationRequirement', 'old')}, ''))"
_ENTITIES = f"""list_distinct(list_concat(list(DISTINCT actor) FILTER (WHERE actor IS NOT NULL),
        list(DISTINCT target) FILTER (WHERE target LIKE '%@%'))) AS users,
    {entity_lists(ips="ip", evidence_keys="record_key")},
    min(time) AS first_seen, max(time) AS last_seen, count(*) AS changes"""

_DISABLED_SQL = f"""
WITH {CHANGES_CTES},
disabled AS (
    SELECT c.record_key, c.time, c.actor, c.ip, {_TARGET} AS target, c.activity
    FROM changes c
    WHERE c.ok AND (c.activity = 'disable strong authentication'
        OR (c.activity = 'update user' AND {_REQUIREMENT_OLD} LIKE '%state%'
            AND ({_REQUIREMENT_NEW} IN ('[]', '') OR regexp_matches({_REQUIREMENT_NEW},
                '"state"\\s*:\\s*0'))))
),
{island_ctes("disabled", "s.actor || '|' || s.target", "INTERVAL '1' HOUR")}
SELECT actor, target, island, {_ENTITIES},
    CASE WHEN actor = target THEN ' (their own)' ELSE '' END AS whose,
    CASE WHEN actor = target THEN 'high' ELSE 'medium' END AS severity
FROM islands
GROUP BY actor, target, island
ORDER BY first_seen, actor
"""

_METHOD_PROPS = (
    "('strongauthenticationmethod', 'strongauthenticationphoneappdetail', "
    "'strongauthenticationuserdetails', 'searchabledevicekey')"
)
_METHODS_SQL = f"""
WITH {CHANGES_CTES},
methods AS (
    SELECT c.record_key, c.time, c.actor, c.ip,
        CASE WHEN c.activity LIKE 'user %' AND c.actor LIKE '%@%' THEN c.actor ELSE {_TARGET}
        END AS target, c.activity,
        c.activity LIKE 'admin %' OR c.activity LIKE '%temporary access pass%'
            OR (c.actor IS NOT NULL AND c.actor <> {_TARGET} AND c.activity NOT LIKE 'user %')
            AS by_other,
        c.activity LIKE '%deleted%' OR c.activity LIKE 'delete %' AS removes
    FROM changes c
    WHERE c.ok AND (c.activity LIKE '%security info%'
        OR c.activity LIKE '%temporary access pass%'
        OR c.activity LIKE '%application password for user%'
        OR c.activity LIKE '%authentication method%'
        OR (c.activity = 'update user' AND EXISTS (SELECT 1 FROM change_props cp
            WHERE cp.record_key = c.record_key AND cp.name IN {_METHOD_PROPS})))
        AND c.activity NOT LIKE '%started%'
),
{island_ctes("methods", "s.target", "INTERVAL '24' HOUR")}
SELECT target, island, {_ENTITIES},
    string_agg(DISTINCT activity, ', ' ORDER BY activity) AS activities,
    coalesce(string_agg(DISTINCT actor, ', ' ORDER BY actor), 'unknown') AS actors,
    CASE WHEN bool_or(by_other) THEN 'medium' ELSE 'low' END AS severity
FROM islands
GROUP BY target, island
ORDER BY first_seen, target
"""

_ENABLED = '[{"RelyingParty":"*","State":1}]'


def _requirement(old: str, new: str, **fields: object) -> dict[str, object]:
    props = [{"name": "StrongAuthenticationRequirement", "old": old, "new": new}]
    return directory_audit(
        "Update user",
        time=at(1),
        category="UserManagement",
        target_names="bob@example.org",
        modified_properties=orjson.dumps(props).decode(),
        **fields,
    )


DETECTIONS = (
    sql_detection(
        id="MS-MFA-DISABLED",
        title="Per-user MFA disabled",
        description=(
            "Disable Strong Authentication, or StrongAuthenticationRequirement emptied on a "
            "user; high when the actor disables their own MFA, medium for another account."
        ),
        runbook=(
            "Re-enable MFA (or make sure Conditional Access requires it); ask the actor why; "
            "review the account's sign-ins after the change for new addresses and clients."
        ),
        severity="medium",
        attack_ids=("T1556.006", "T1562"),
        requires=(),
        sql=_DISABLED_SQL,
        confidence=0.7,
        explain="{actor} disabled per-user MFA of {target}{whose} ({changes} record(s))",
        tests=(
            RuleTest(
                "MFA requirement removed",
                merge(_requirement(_ENABLED, "[]")),
                True,
                {"users": ("bob@example.org",)},
            ),
            RuleTest("MFA requirement added", merge(_requirement("[]", _ENABLED)), False),
        ),
    ),
    sql_detection(
        id="MS-AUTH-METHOD-CHANGED",
        title="Authentication methods changed",
        description=(
            "Security info registered, changed or deleted, app passwords removed, Temporary "
            "Access Pass issued, or MFA method properties of a user updated; medium when an "
            "admin (or another account) does it for the user, low for the user's own."
        ),
        runbook=(
            "Ask the user whether the method is theirs; delete unknown methods and revoke "
            "sessions; check sign-ins that used the new method."
        ),
        severity="low",
        attack_ids=("T1556.006", "T1098.005"),
        requires=(),
        sql=_METHODS_SQL,
        confidence=0.5,
        explain="{target}: {activities} by {actors}",
        tests=(
            RuleTest(
                "admin registered a phone for a user",
                merge(
                    directory_audit(
                        "Admin registered security info",
                        time=at(1),
                        category="UserManagement",
                        target_names="bob@example.org",
                    )
                ),
                True,
                {"users": ("bob@example.org",)},
            ),
            RuleTest(
                "user started registration only",
                merge(
                    directory_audit(
                        "User started security info registration",
                        time=at(1),
                        initiated_by_upn="bob@example.org",
                        target_names="bob@example.org",
                    )
                ),
                False,
            ),
        ),
    ),
)
