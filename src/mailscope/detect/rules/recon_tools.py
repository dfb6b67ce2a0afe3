"""Reconnaissance tools on sign-in and Graph: MFASweep, AzureHound and kin, directory
enumeration by call pattern.

* **MFASweep** signs in as one account to every Microsoft service it knows (Graph, Azure
  Service Management, Exchange web, ActiveSync, ADFS) with the user agents of several
  platforms in turn (Windows, Linux, macOS, Android, iPhone, Windows Phone) to find the one
  that skips MFA (det-eng-samples T1592.004). Nobody uses four operating systems within a
  quarter of an hour; successful sign-ins in such a burst mean the password is known (high).
* **AzureHound** (BloodHound's Entra collector) announces itself (``azurehound/v2.x``,
  SigmaHQ azure_ad_azurehound_discovery; det-eng-samples T1482); a successful sign-in with
  a tool's own agent is high, a failed one medium.
* **ROADrecon** and **GraphRunner** forge browser agents, so their enumeration shows only as
  a pattern: one caller walking most directory collections (users, groups, service
  principals, applications, roles, devices, policies …) in minutes (medium; high with a
  tool's agent). The admin portals do the same on page loads and are left out.
"""

from __future__ import annotations

from mailscope.detect.apps import sql_list
from mailscope.detect.events import at, graph, signin
from mailscope.detect.rule import RuleTest, entity_lists, sql_detection
from mailscope.detect.rules.admin_changes import island_ctes
from mailscope.detect.rules.identities import IDENTITY_CTES, resolved
from mailscope.detect.rules.logon_events import LOGONS_CTE, os_family
from mailscope.detect.rules.reference import directory_collections, named_tool_agents, portal_apps

SWEEP_PLATFORMS = 4
ENUMERATED_COLLECTIONS = 5

_SWEEP_SQL = f"""
WITH {LOGONS_CTE},
platforms AS (SELECT *, {os_family("agent")} AS os FROM logons WHERE upn LIKE '%@%'),
minutes AS (
    SELECT DISTINCT upn, os, time_bucket(INTERVAL '1 minute', time) AS minute
    FROM platforms WHERE os IS NOT NULL
),
anchors AS (
    SELECT a.upn, a.minute FROM minutes a
    JOIN minutes b ON b.upn = a.upn
        AND b.minute BETWEEN a.minute - INTERVAL '15' MINUTE AND a.minute
    GROUP BY a.upn, a.minute
    HAVING count(DISTINCT b.os) >= {SWEEP_PLATFORMS}
),
members AS (
    SELECT DISTINCT b.* FROM anchors a JOIN platforms b ON b.upn = a.upn AND b.os IS NOT NULL
        AND b.time >= a.minute - INTERVAL '15' MINUTE AND b.time < a.minute + INTERVAL '1' MINUTE
),
{island_ctes("members", "s.upn", "INTERVAL '15' MINUTE")}
SELECT upn, island, [upn] AS users,
    {entity_lists(ips="ip", apps="app", evidence_keys="record_key")},
    min(time) AS first_seen, max(time) AS last_seen, count(*) AS logons,
    array_to_string(list(DISTINCT os ORDER BY os), ', ') AS platforms,
    count(DISTINCT coalesce(app, '') || '>' || coalesce(resource, '')) AS services,
    count(*) FILTER (WHERE ok) AS successes,
    CASE WHEN bool_or(ok) THEN 'high' ELSE 'medium' END AS severity
FROM islands
GROUP BY upn, island
ORDER BY first_seen, upn
"""

_TOOLS = named_tool_agents()
_TOOL = (
    "CASE "
    + " ".join(
        f"WHEN lower(agent) LIKE '%{frag}%' THEN '{name}'" for frag, name in sorted(_TOOLS.items())
    )
    + " END"
)

_TOOL_SQL = f"""
WITH {LOGONS_CTE},
calls AS (
    SELECT record_key, time, upn, ip, ok, agent, app, 'sign-in' AS kind FROM logons
    UNION ALL
    SELECT record_key, time, lower(coalesce(upn, user_id)), ip, response_status < 400,
        user_agent, app_id, 'Graph request'
    FROM graph_activity
),
tooled AS (SELECT *, {_TOOL} AS tool FROM calls WHERE {_TOOL} IS NOT NULL),
{island_ctes("tooled", "coalesce(s.upn, s.app, '') || '|' || s.tool")}
SELECT tool, upn, island,
    {entity_lists(users="upn", ips="ip", apps="app", evidence_keys="record_key")},
    min(time) AS first_seen, max(time) AS last_seen, count(*) AS calls,
    string_agg(DISTINCT kind, ' and ') AS kinds,
    array_to_string(list(DISTINCT agent), ', ') AS agents,
    count(*) FILTER (WHERE ok) AS successes,
    coalesce(upn, 'an unknown account') AS account,
    CASE WHEN bool_or(ok) THEN 'high' ELSE 'medium' END AS severity
FROM islands
GROUP BY tool, upn, island
ORDER BY first_seen, tool
"""

_SEGMENT = (
    "lower(regexp_extract(lower(request_uri), "
    "'^https?://[^/]+/(?:v1\\.0|beta|[0-9a-f-]{36}|[a-z0-9.-]+\\.[a-z]+)/([a-z0-9]+"
    "(?:/conditionalaccess)?)', 1))"
)
_COLLECTIONS = sql_list(list(directory_collections()))
_ENUM_SQL = f"""
WITH {IDENTITY_CTES},
requests AS (
    SELECT record_key, time, ip, user_agent AS agent, app_id AS app,
        coalesce({resolved("upn")}, {resolved("user_id")}, lower(upn), lower(user_id),
            service_principal_id, app_id) AS caller,
        {_SEGMENT} AS collection
    FROM graph_activity
    WHERE coalesce(app_id, '') NOT IN {sql_list(list(portal_apps()))}
        AND upper(coalesce(method, 'GET')) = 'GET'
),
walked AS (SELECT * FROM requests WHERE collection IN {_COLLECTIONS}),
{island_ctes("walked", "s.caller", "INTERVAL '10' MINUTE")}
SELECT caller, island,
    list(DISTINCT caller) FILTER (WHERE caller LIKE '%@%') AS users,
    {entity_lists(ips="ip", apps="app", evidence_keys="record_key")},
    min(time) AS first_seen, max(time) AS last_seen, count(*) AS requests,
    count(DISTINCT collection) AS collections,
    array_to_string(list(DISTINCT collection ORDER BY collection), ', ') AS walked,
    CASE WHEN bool_or({_TOOL} IS NOT NULL) THEN 'high' ELSE 'medium' END AS severity
FROM islands
GROUP BY caller, island
HAVING count(DISTINCT collection) >= {ENUMERATED_COLLECTIONS}
ORDER BY first_seen, caller
"""

_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) WindowsPowerShell/5.1",
    "Mozilla/5.0 (X11; Ubuntu; Linux i686; rv:24.0) Gecko/20100101 Firefox/24.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_6) AppleWebKit/605.1.15 Safari/605.1.15",
    "Mozilla/5.0 (Linux; Android 6.0; Nexus 5 Build/MRA58N) AppleWebKit/537.36 Mobile",
    "Mozilla/5.0 (Mobile; Windows Phone 8.1; Android 4.0; ARM; Trident/7.0; Touch)",
)


def _sweep(agents: tuple[str, ...]) -> dict[str, list[dict[str, object]]]:
    return {
        "signins": [
            signin(time=at(1, hours=i / 360), user_agent=agent) for i, agent in enumerate(agents)
        ]
    }


def _walk(paths: tuple[str, ...], agent: str = "Mozilla/5.0") -> dict[str, list[dict[str, object]]]:
    return {
        "graph_activity": [
            graph(
                time=at(1, hours=i / 600),
                user_agent=agent,
                request_uri=f"https://graph.microsoft.com/v1.0/{path}?$top=999",
            )
            for i, path in enumerate(paths)
        ]
    }


_DIRECTORY = ("users", "groups", "servicePrincipals", "applications", "directoryRoles", "devices")
DETECTIONS = (
    sql_detection(
        id="MS-MFA-SWEEP",
        title="MFA sweep (one account, many platforms in minutes)",
        description=(
            f"One account signing in with user agents of {SWEEP_PLATFORMS}+ operating systems "
            "within 15 minutes, the MFASweep pattern; high when any of the sign-ins succeeded."
        ),
        runbook=(
            "The password is known to whoever ran it: reset it, revoke sessions, and close "
            "the services that let it in without MFA (legacy authentication, ActiveSync, "
            "Azure Service Management) with Conditional Access."
        ),
        severity="medium",
        attack_ids=("T1592.004", "T1078.004", "T1110"),
        requires=(),
        sql=_SWEEP_SQL,
        confidence=0.8,
        explain=(
            "{upn}: {logons} sign-in(s) as {platforms} to {services} service(s) within "
            "minutes ({successes} succeeded)"
        ),
        tests=(
            RuleTest(
                "five platforms in two minutes",
                _sweep(_AGENTS),
                True,
                {"users": ("alice@example.org",)},
            ),
            RuleTest("laptop and phone", _sweep(_AGENTS[:1] + _AGENTS[3:4]), False),
        ),
    ),
    sql_detection(
        id="MS-RECON-TOOL-SIGNIN",
        title="Attack tool signed in or called Graph (AzureHound …)",
        description=(
            "Sign-ins or Graph requests whose user agent names an attack or recon tool "
            "(azurehound/…); high when they succeeded."
        ),
        runbook=(
            "Unless a sanctioned red team ran it, the account is compromised: reset it, revoke "
            "sessions, and review what the tool enumerated (Graph activity of the session)."
        ),
        severity="high",
        attack_ids=("T1087.004", "T1069.003", "T1482"),
        requires=(),
        sql=_TOOL_SQL,
        confidence=0.9,
        explain="{tool} as {account}: {calls} {kinds}(s) ({successes} succeeded)",
        tests=(
            RuleTest(
                "AzureHound sign-in",
                {"signins": [signin(time=at(1), user_agent="azurehound/v2.0.4")]},
                True,
                {"users": ("alice@example.org",)},
            ),
            RuleTest(
                "browser sign-in",
                {"signins": [signin(time=at(1), user_agent="Mozilla/5.0 (Windows NT 10.0)")]},
                False,
            ),
        ),
    ),
    sql_detection(
        id="MS-GRAPH-ENUMERATION",
        title="Directory enumerated through Graph",
        description=(
            f"One caller reading {ENUMERATED_COLLECTIONS}+ directory collections (users, "
            "groups, service principals, applications, roles, devices …) within minutes, "
            "outside the admin portals; high with a tool's user agent."
        ),
        runbook=(
            "Identify the caller's app and session; if not an admin's known script, treat "
            "the account or app as compromised and expect follow-on (consent, role) changes."
        ),
        severity="medium",
        attack_ids=("T1087.004", "T1069.003", "T1526"),
        requires=("graph_activity",),
        sql=_ENUM_SQL,
        confidence=0.6,
        explain=(
            "{caller} read {collections} directory collections ({walked}) in {requests} request(s)"
        ),
        tests=(
            RuleTest("six collections in a minute", _walk(_DIRECTORY), True),
            RuleTest("own messages and profile", _walk(("me", "me", "users")), False),
        ),
    ),
)
