"""Credential attacks on sign-in: password sprays and MFA fatigue.

A password spray tries one or two passwords against many accounts from one source, so each
account sees only a few failures (error 50126 "invalid username or password", 50053
locked, 50034 unknown user …) and lockout never trips; MSOLSpray and o365spray do exactly
this (det-eng-samples T1110.003: eight accounts in seconds from one address, then one
success). Office NAT addresses also see failures from many people, but there most logons
succeed; a spray source fails for most of the accounts it touches. A spray after which the
source signs in, or gets an MFA prompt (50074/50076: the password was right), is high: an
account's password is known. Without a hit it is medium.

MFA fatigue (push bombing) shows as repeated 500121 (strong authentication failed) for one
account; high when a successful sign-in of that account follows within the hour (Microsoft
Learn, sign-in error codes; CISA AA22-074A).
"""

from __future__ import annotations

from mailscope.detect.events import at, audit, merge, signin
from mailscope.detect.rule import RuleTest, sql_detection
from mailscope.detect.rules.admin_changes import island_ctes
from mailscope.detect.rules.logon_events import LOGONS_CTE
from mailscope.detect.rules.reference import logon_codes, sql_int_list

SPRAY_ACCOUNTS = 5
"""Distinct accounts failing from one source within an hour before it counts as a spray."""
ATTEMPTS_PER_ACCOUNT = 3
"""At most this many failures per account on average: more is brute force or a stale app."""
FATIGUE_PROMPTS = 5

_PASSWORD = sql_int_list(logon_codes("password"))
_RIGHT = sql_int_list(logon_codes("password_right"))
_MFA = sql_int_list(logon_codes("mfa_failed"))

_SPRAY_SQL = f"""
WITH {LOGONS_CTE},
fails AS (SELECT * FROM logons WHERE NOT ok AND code IN {_PASSWORD} AND coalesce(ip, '') <> ''),
{island_ctes("fails", "s.ip", "INTERVAL '1' HOUR")},
sprays AS (
    SELECT ip, island, min(time) AS t0, max(time) AS t1, count(*) AS attempts,
        count(DISTINCT upn) AS accounts, list(DISTINCT upn ORDER BY upn) AS sprayed,
        list(record_key) AS fail_keys,
        list(DISTINCT agent ORDER BY agent) FILTER (WHERE agent IS NOT NULL) AS agents,
        list(DISTINCT app ORDER BY app) FILTER (WHERE app IS NOT NULL) AS clients
    FROM islands GROUP BY ip, island
    HAVING count(DISTINCT upn) >= {SPRAY_ACCOUNTS}
        AND count(*) <= {ATTEMPTS_PER_ACCOUNT} * count(DISTINCT upn)
),
around AS (
    SELECT s.ip, s.island, count(DISTINCT l.upn) AS seen,
        list(DISTINCT l.upn ORDER BY l.upn) FILTER (WHERE l.ok OR l.code IN {_RIGHT}) AS hits,
        list(l.record_key) FILTER (WHERE l.ok OR l.code IN {_RIGHT}) AS hit_keys,
        max(l.time) FILTER (WHERE l.ok OR l.code IN {_RIGHT}) AS last_hit
    FROM sprays s JOIN logons l ON l.ip = s.ip
        AND l.time BETWEEN s.t0 - INTERVAL '10' MINUTE AND s.t1 + INTERVAL '1' HOUR
    GROUP BY s.ip, s.island
)
SELECT s.ip, s.island, s.accounts, s.attempts, s.agents, s.clients,
    coalesce(a.hits, []) AS hits,
    list_distinct(list_concat(s.sprayed, coalesce(a.hits, []))) AS users,
    [s.ip] AS ips,
    list_concat(s.fail_keys, coalesce(a.hit_keys, [])) AS evidence_keys,
    s.t0 AS first_seen, greatest(s.t1, coalesce(a.last_hit, s.t1)) AS last_seen,
    round(date_diff('second', s.t0, s.t1) / 60.0, 1) AS minutes,
    CASE WHEN len(coalesce(a.hits, [])) > 0
         THEN '; then signed in (or passed the password check) as '
              || array_to_string(a.hits, ', ')
         ELSE '; no account signed in from it' END AS outcome,
    CASE WHEN len(coalesce(a.hits, [])) > 0 THEN 'high' ELSE 'medium' END AS severity
FROM sprays s JOIN around a ON a.ip = s.ip AND a.island = s.island
WHERE s.accounts >= 0.5 * a.seen
ORDER BY first_seen, s.ip
"""

_FATIGUE_SQL = f"""
WITH {LOGONS_CTE},
denied AS (SELECT * FROM logons WHERE NOT ok AND code IN {_MFA}),
{island_ctes("denied", "s.upn", "INTERVAL '1' HOUR")},
bursts AS (
    SELECT upn, island, min(time) AS t0, max(time) AS t1, count(*) AS prompts,
        list(record_key) AS keys, list(DISTINCT ip) FILTER (WHERE ip IS NOT NULL) AS ips
    FROM islands GROUP BY upn, island HAVING count(*) >= {FATIGUE_PROMPTS}
),
after AS (
    SELECT b.upn, b.island, list(l.record_key) AS keys, list(DISTINCT l.ip) AS ips
    FROM bursts b JOIN logons l ON l.upn = b.upn AND l.ok
        AND l.time BETWEEN b.t0 AND b.t1 + INTERVAL '1' HOUR
    GROUP BY b.upn, b.island
)
SELECT b.upn, b.prompts, [b.upn] AS users,
    list_distinct(list_concat(b.ips, coalesce(a.ips, []))) AS ips,
    list_concat(b.keys, coalesce(a.keys, [])) AS evidence_keys,
    b.t0 AS first_seen, b.t1 AS last_seen,
    CASE WHEN a.keys IS NOT NULL THEN 'then signed in' ELSE 'no sign-in followed' END AS outcome,
    CASE WHEN a.keys IS NOT NULL THEN 'high' ELSE 'medium' END AS severity
FROM bursts b LEFT JOIN after a ON a.upn = b.upn AND a.island = b.island
ORDER BY first_seen, b.upn
"""

SPRAY_IP = "198.51.100.77"


def _spray(users: int, success: bool) -> dict[str, list[dict[str, object]]]:
    rows = [
        signin(
            time=at(1, hours=i / 600),
            upn=f"user{i}@example.org",
            user_id=f"user{i}@example.org",
            ip=SPRAY_IP,
            status_code=50126,
            success=False,
            user_agent="python-requests/2.31.0",
        )
        for i in range(users)
    ]
    if success:
        rows.append(
            signin(time=at(1, hours=0.05), ip=SPRAY_IP, user_agent="python-requests/2.31.0")
        )
    return {"signins": rows}


def _denials(count: int) -> list[dict[str, object]]:
    return [
        audit(
            "UserLoginFailed",
            time=at(1, hours=i / 60),
            workload="AzureActiveDirectory",
            raw='{"ErrorNumber":"500121","LogonError":"AuthenticationFailedSasError"}',
        )
        for i in range(count)
    ]


DETECTIONS = (
    sql_detection(
        id="MS-PASSWORD-SPRAY",
        title="Password spray",
        description=(
            f"{SPRAY_ACCOUNTS}+ accounts failing with password errors (50126 …) from one "
            f"address within an hour, at most {ATTEMPTS_PER_ACCOUNT} tries each on average, "
            "and most accounts seen from that address failing; high when the source then "
            "signs in or passes the password check."
        ),
        runbook=(
            "Block the source; reset the password of every account it signed in as and revoke "
            "their sessions; check those accounts' mailbox rules, consents and MFA methods; "
            "enforce MFA and block legacy authentication for the sprayed accounts."
        ),
        severity="medium",
        attack_ids=("T1110.003", "T1078.004"),
        requires=(),
        sql=_SPRAY_SQL,
        confidence=0.8,
        explain=(
            "{accounts} account(s) sprayed from {ip}: {attempts} failed sign-in(s) in "
            "{minutes} min{outcome}"
        ),
        tests=(
            RuleTest(
                "eight accounts fail, then one signs in",
                _spray(8, success=True),
                True,
                {"ips": (SPRAY_IP,), "users": ("alice@example.org", "user3@example.org")},
            ),
            RuleTest("three accounts mistype their password", _spray(3, success=False), False),
        ),
    ),
    sql_detection(
        id="MS-MFA-FATIGUE",
        title="MFA fatigue (repeated MFA failures)",
        description=(
            f"{FATIGUE_PROMPTS}+ strong-authentication failures (500121) for one account "
            "within an hour; high when the account then signs in."
        ),
        runbook=(
            "Ask the user whether they approved a prompt; if so, reset the password, revoke "
            "sessions and review the MFA methods registered since; enable number matching."
        ),
        severity="medium",
        attack_ids=("T1621",),
        requires=(),
        sql=_FATIGUE_SQL,
        confidence=0.7,
        explain="{upn}: {prompts} failed MFA prompt(s), {outcome}",
        tests=(
            RuleTest(
                "six denied prompts, then a sign-in",
                merge(*_denials(6), audit("UserLoggedIn", time=at(1, hours=0.2))),
                True,
                {"users": ("alice@example.org",)},
            ),
            RuleTest("two denied prompts", merge(*_denials(2)), False),
        ),
    ),
)
