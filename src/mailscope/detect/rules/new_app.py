"""New apps reading mail (detection 1), against the tenant's and each mailbox's history.

Storm-0558 was caught by an alert on MailItemsAccessed records with an AppId that did not
normally access mailboxes (CISA AA23-193A). "Normally" is learned from the evidence: an
app (the client, ``ClientAppId`` — never the Graph or Exchange resource id) is new to the
tenant when none of at least :data:`MIN_HISTORY_DAYS` days of mail-access evidence before
its first read shows it reading any mailbox. An app first seen earlier than that cannot be
judged (the scope stage lists it as a blind spot). Microsoft first-party apps
(``data/apps.json``) are never new. A new app alone is medium: backup, migration and CRM
services start reading mail too; the scope stage confirms an actor's app only through the
evidence that ties it to the actor. The per-mailbox variant flags an app the tenant already
uses appearing on a mailbox it never touched during the learning window.
"""

from __future__ import annotations

from mailscope.detect.apps import client_app_sql, first_party_apps, sql_list
from mailscope.detect.events import ARCHIVER, EVIL_APP, OWA, access, at, history, merge
from mailscope.detect.rule import RuleTest, entity_lists, sql_detection

_FIRST_PARTY = sql_list(list(first_party_apps()))
_APP = client_app_sql()
# An app can only be new against enough history: with less than this much mail-access
# evidence before its first read, nothing can be said (a blind spot, not a finding).
MIN_HISTORY_DAYS = 7

# Each CTE below is referenced once, or is small: DuckDB materialises a CTE used twice,
# and copying every mail_access row that way cost more than the rule itself.
_TENANT_SQL = f"""
WITH first_use AS (
    SELECT app, min(time) AS first_time
    FROM (SELECT {_APP} AS app, time FROM mail_access) u
    WHERE app IS NOT NULL GROUP BY app
),
history AS (SELECT min(time) AS since FROM mail_access),
fresh AS (
    SELECT f.app, f.first_time, h.since AS period_start FROM first_use f CROSS JOIN history h
    WHERE f.first_time >= h.since + INTERVAL '{MIN_HISTORY_DAYS}' DAY
      AND f.app NOT IN {_FIRST_PARTY}
)
SELECT
    a.app AS app,
    {entity_lists(mailboxes="a.mailbox_upn", users="a.user_id", apps="a.app", ips="a.client_ip")},
    {entity_lists(sessions="coalesce(nullif(a.aad_session_id, ''), a.session_id)")},
    {entity_lists(tokens="a.unique_token_id", evidence_keys="a.record_key")},
    min(a.time) AS first_seen,
    max(a.time) AS last_seen,
    count(DISTINCT coalesce(a.message_id, a.folder_path)) AS items,
    count(DISTINCT a.mailbox_upn) AS mailbox_count,
    CAST(floor((epoch(min(f.first_time)) - epoch(min(f.period_start))) / 86400) AS INTEGER)
        AS days_before,
    CASE WHEN count(DISTINCT a.mailbox_upn) >= 2
              OR count(*) FILTER (WHERE lower(a.user_id) <> lower(a.mailbox_upn)) > 0
         THEN 'medium' ELSE 'low' END AS severity
FROM (SELECT {_APP} AS app, * FROM mail_access) a JOIN fresh f ON a.app = f.app
GROUP BY a.app
ORDER BY a.app
"""

_USER_SQL = f"""
WITH learned AS (
    SELECT DISTINCT a.app, a.mailbox_upn
    FROM (SELECT {_APP} AS app, mailbox_upn, time FROM mail_access) a
    CROSS JOIN detect_window w
    WHERE a.time < w.baseline_until AND a.app IS NOT NULL
),
fresh AS (
    SELECT a.* FROM (SELECT {_APP} AS app, * FROM mail_access) a
    CROSS JOIN detect_window w
    ANTI JOIN learned l ON l.app = a.app AND l.mailbox_upn = a.mailbox_upn
    WHERE a.time >= w.baseline_until
      AND a.app IN (SELECT app FROM learned)
      AND a.app NOT IN {_FIRST_PARTY}
)
SELECT
    app, mailbox_upn AS mailbox,
    {entity_lists(mailboxes="mailbox_upn", users="user_id", apps="app", ips="client_ip")},
    {entity_lists(evidence_keys="record_key")},
    min(time) AS first_seen,
    max(time) AS last_seen,
    count(DISTINCT coalesce(message_id, folder_path)) AS items
FROM fresh
GROUP BY app, mailbox_upn
ORDER BY app, mailbox_upn
"""

_QUIET = history(range(7), app_id=OWA)
_ARCHIVED = history(range(7), app_id=ARCHIVER, user_id="archiver-sp")


def _reads(app: str, mailboxes: tuple[str, ...], day: float) -> list[dict[str, object]]:
    return [access(time=at(day), app_id=app, mailbox_upn=m, user_id="svc-app") for m in mailboxes]


DETECTIONS = (
    sql_detection(
        id="MS-NEW-APP-MAIL",
        title="App never seen before reads mailboxes",
        description=(
            "A client app that read no mailbox in at least 7 days of evidence before starts "
            "reading mail; medium for other users' or several mailboxes, low for its user's "
            "own. Microsoft first-party apps and resource ids are excluded."
        ),
        runbook=(
            "Identify the app (Entra enterprise applications, its publisher and consent "
            "grants). If it is not sanctioned, disable the service principal, revoke its "
            "grants and scope every mailbox it read."
        ),
        severity="medium",
        attack_ids=("T1114.002", "T1550.001"),
        requires=("mail_access",),
        sql=_TENANT_SQL,
        confidence=0.75,
        explain=(
            "app {app} read {items:,} item(s) in {mailbox_count} mailbox(es); never seen "
            "reading mail in the {days_before} day(s) before"
        ),
        tests=(
            RuleTest(
                "unknown app reads three mailboxes on day 8",
                merge(
                    _QUIET, {"mail_access": _reads(EVIL_APP, ("a@x.org", "b@x.org", "c@x.org"), 8)}
                ),
                True,
                {"apps": (EVIL_APP,), "mailboxes": ("a@x.org", "b@x.org", "c@x.org")},
            ),
            RuleTest(
                "app first seen too early to judge, and one app that is the Graph resource",
                merge(
                    history(range(3), app_id=OWA),
                    {"mail_access": _reads(EVIL_APP, ("a@x.org", "b@x.org"), 2.5)},
                    {
                        "mail_access": _reads(
                            "00000003-0000-0000-c000-000000000000", ("a@x.org", "b@x.org"), 8
                        )
                    },
                ),
                False,
            ),
            RuleTest(
                "archiving app known from the first day; first-party app new later",
                merge(
                    _QUIET,
                    _ARCHIVED,
                    {"mail_access": _reads(ARCHIVER, ("a@x.org",), 8)},
                    {
                        "mail_access": _reads(
                            "27922004-5251-4030-b22d-91ecd9a37ea4", ("alice@example.org",), 8
                        )
                    },
                ),
                False,
            ),
        ),
    ),
    sql_detection(
        id="MS-APP-NEW-FOR-MAILBOX",
        title="Known app reads a mailbox it never read during the learning window",
        description=(
            "A third-party app the tenant already uses reads a mailbox it did not touch "
            "before the baseline date (per-mailbox baseline)."
        ),
        runbook=(
            "Check whether the app's scope was widened (new mailbox added to an archiving "
            "or CRM connector). If not, treat as app-to-mailbox drift and review grants."
        ),
        severity="low",
        attack_ids=("T1114.002",),
        requires=("mail_access",),
        sql=_USER_SQL,
        confidence=0.4,
        baseline="mail_access",
        explain="app {app} read {items:,} item(s) in {mailbox}, a mailbox it never read before",
        tests=(
            RuleTest(
                "archiver reaches a new mailbox after the baseline",
                merge(_QUIET, _ARCHIVED, {"mail_access": _reads(ARCHIVER, ("zed@x.org",), 8)}),
                True,
                {"mailboxes": ("zed@x.org",)},
            ),
            RuleTest(
                "archiver keeps to its mailbox",
                merge(
                    _QUIET,
                    _ARCHIVED,
                    {"mail_access": [access(time=at(8), app_id=ARCHIVER, user_id="archiver-sp")]},
                ),
                False,
            ),
        ),
    ),
)
