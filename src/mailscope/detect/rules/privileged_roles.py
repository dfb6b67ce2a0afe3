"""Directory roles and accounts: privileged roles given, admins removed, users deleted in
bulk.

Intruders with an admin account give themselves or a foothold account Global
Administrator (the legacy "Company Administrator", well-known name TenantAdmins) or another
role that controls accounts, apps or mail (det-eng-samples T1098.001/.003; SigmaHQ
azure_ad_user_added_to_admin_role), then remove the real admins and delete users to
hinder the response (T1531). Role ids are by template id, with display names as fallback
because some exports anonymise ids (``data/attacks.json``). A PIM activation of an
eligible role is routine and not counted.
"""

from __future__ import annotations

import orjson

from mailscope.detect.apps import sql_list
from mailscope.detect.events import at, directory_audit, merge
from mailscope.detect.rule import RuleTest, entity_lists, sql_detection
from mailscope.detect.rules.admin_changes import CHANGES_CTES, clean, island_ctes, prop
from mailscope.detect.rules.reference import privileged_roles, top_role_names, top_roles

_TOP_IDS = sql_list(list(top_roles()))
_TOP_NAMES = sql_list([*top_role_names(), *(n.lower() for n in top_roles().values())])
_PRIV_IDS = sql_list(list(privileged_roles()))
_PRIV_NAMES = sql_list([n.lower() for n in privileged_roles().values()])
_EMAIL = "[a-z0-9._%+'-]+@[a-z0-9-]+(\\.[a-z0-9-]+)+"
_MEMBER = (
    "coalesce(nullif(regexp_extract(regexp_replace(lower(coalesce(c.target, '')), "
    f"'(^|; )[0-9a-f]{{32}}', '\\1'), '{_EMAIL.replace(chr(39), chr(39) * 2)}', 0), ''), "
    "c.target)"
)


def _roles(side: str) -> str:
    """CTE ``roles``: role changes with role name, tier and member (``side`` 'new' when
    added, 'old' when removed)."""
    name = f"{clean(prop('Role.DisplayName', side))}"
    template = f"lower({clean(prop('Role.TemplateId', side))})"
    known = f"lower({clean(prop('Role.WellKnownObjectName', side))})"
    return f"""
roles AS (
    SELECT c.*, coalesce(nullif({name}, ''), 'an unnamed role') AS role, {_MEMBER} AS member,
        CASE WHEN {template} IN {_TOP_IDS} OR lower({name}) IN {_TOP_NAMES}
                  OR {known} = 'tenantadmins' THEN 3
             WHEN {template} IN {_PRIV_IDS} OR lower({name}) IN {_PRIV_NAMES} THEN 2
             ELSE 1 END AS tier
    FROM changes c
)"""


_ROLE_ENTITIES = f"""{entity_lists(ips="ip", evidence_keys="record_key")},
    list_concat(coalesce(list(DISTINCT actor) FILTER (WHERE actor IS NOT NULL), []),
        coalesce(list(DISTINCT member) FILTER (WHERE member LIKE '%@%'), [])) AS users,
    min(time) AS first_seen, max(time) AS last_seen, count(*) AS changes,
    array_to_string(list(DISTINCT member ORDER BY member), ', ') AS members,
    array_to_string(list(DISTINCT role ORDER BY role), ', ') AS role_names"""

_ADDED_SQL = f"""
WITH {CHANGES_CTES}, {_roles("new")},
added AS (
    SELECT * FROM roles
    WHERE ok AND activity LIKE 'add%member to role%' AND activity NOT LIKE '%activation%'
        AND activity NOT LIKE '%request%'
),
{island_ctes("added", "s.actor || '|' || s.role")}
SELECT actor, island, {_ROLE_ENTITIES},
    CASE max(tier) WHEN 3 THEN 'high' WHEN 2 THEN 'medium' ELSE 'low' END AS severity
FROM islands
GROUP BY actor, role, island
ORDER BY first_seen, actor
"""

_REMOVED_SQL = f"""
WITH {CHANGES_CTES}, {_roles("old")},
removed AS (SELECT * FROM roles WHERE ok AND activity LIKE 'remove%member from role%'),
{island_ctes("removed", "s.actor")}
SELECT actor, island, {_ROLE_ENTITIES},
    CASE WHEN max(tier) >= 2 THEN 'medium' ELSE 'low' END AS severity
FROM islands
GROUP BY actor, island
ORDER BY first_seen, actor
"""

MASS_DELETIONS = 5
_DELETED_SQL = f"""
WITH {CHANGES_CTES},
deleted AS (
    SELECT c.*, lower(regexp_replace(coalesce(c.target, ''), '^[0-9a-f]{{32}}', '')) AS member
    FROM changes c WHERE c.ok AND c.activity = 'delete user'
),
{island_ctes("deleted", "s.actor", "INTERVAL '1' HOUR")}
SELECT actor, island, {_ROLE_ENTITIES}, 'medium' AS severity
FROM (SELECT *, 'user' AS role FROM islands)
GROUP BY actor, island
HAVING count(DISTINCT member) >= {MASS_DELETIONS}
ORDER BY first_seen, actor
"""


def _role_change(
    activity: str, side: str, role: str, template: str, **fields: object
) -> dict[str, object]:
    other = "old" if side == "new" else "new"
    props = [
        {"name": "Role.DisplayName", side: role, other: ""},
        {"name": "Role.TemplateId", side: template, other: ""},
    ]
    return directory_audit(
        activity,
        time=at(1),
        category="RoleManagement",
        target_names="bob@example.org",
        modified_properties=orjson.dumps(props).decode(),
        **fields,
    )


_GA = "62e90394-69f5-4237-9190-012177145e10"
_READER = "4a5d8f65-41da-4de4-8968-e035b65339cf"
DETECTIONS = (
    sql_detection(
        id="MS-PRIVILEGED-ROLE-ADDED",
        title="Privileged directory role assigned",
        description=(
            "A member added to an Entra directory role (not a PIM activation): high for "
            "Global/Company Administrator and roles that control who holds it, medium for "
            "other privileged roles (Exchange, Application, User, Security Administrator …), "
            "low for the rest."
        ),
        runbook=(
            "Confirm the assignment with the tenant's admins; remove it if unknown; review "
            "everything the member and the actor did since (role, app, mailbox changes)."
        ),
        severity="medium",
        attack_ids=("T1098.003", "T1078.004"),
        requires=(),
        sql=_ADDED_SQL,
        confidence=0.7,
        explain="{actor} added {members} to {role_names}",
        tests=(
            RuleTest(
                "Global Administrator added",
                merge(_role_change("Add member to role", "new", "Global Administrator", _GA)),
                True,
                {"users": ("admin@example.org", "bob@example.org")},
            ),
            RuleTest(
                "PIM activation of an eligible role",
                merge(
                    _role_change(
                        "Add member to role completed (PIM activation)",
                        "new",
                        "Global Administrator",
                        _GA,
                    )
                ),
                False,
            ),
        ),
    ),
    sql_detection(
        id="MS-ADMIN-ROLE-REMOVED",
        title="Member removed from a directory role",
        description=(
            "A member removed from an Entra directory role: medium for privileged roles (an "
            "intruder locking out the real admins), low otherwise."
        ),
        runbook=(
            "Check with the removed admin; restore the role if the removal is unexplained "
            "and review the actor's other changes."
        ),
        severity="low",
        attack_ids=("T1531", "T1098"),
        requires=(),
        sql=_REMOVED_SQL,
        confidence=0.5,
        explain="{actor} removed {members} from {role_names}",
        tests=(
            RuleTest(
                "Global Administrator removed",
                merge(_role_change("Remove member from role", "old", "Global Administrator", _GA)),
                True,
                {"users": ("bob@example.org",)},
            ),
            RuleTest(
                "role added, not removed",
                merge(_role_change("Add member to role", "new", "Reports Reader", _READER)),
                False,
            ),
        ),
    ),
    sql_detection(
        id="MS-MASS-USER-DELETION",
        title="Many users deleted within an hour",
        description=f"{MASS_DELETIONS}+ user accounts deleted by one actor within an hour.",
        runbook=(
            "Confirm an offboarding batch with HR and the admins; otherwise restore the users "
            "from deleted items (30 days) and contain the actor."
        ),
        severity="medium",
        attack_ids=("T1531", "T1485"),
        requires=(),
        sql=_DELETED_SQL,
        confidence=0.6,
        explain="{actor} deleted {changes} user(s): {members}",
        tests=(
            RuleTest(
                "six users deleted in a minute",
                merge(
                    *[
                        directory_audit(
                            "Delete user", time=at(1, hours=i / 600), target_names=f"u{i}@x.org"
                        )
                        for i in range(6)
                    ]
                ),
                True,
            ),
            RuleTest(
                "two users deleted",
                merge(*[directory_audit("Delete user", time=at(1 + i)) for i in range(2)]),
                False,
            ),
        ),
    ),
)
