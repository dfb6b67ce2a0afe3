"""Forged-token signals (detections 3 and 4): mail access whose token or Entra session no
sign-in issued.

The judgement is :mod:`mailscope.detect.backing`'s, shared with the scope stage: an id found
in a sign-in of any kind backs the record; a record without ids, or whose token was issued
outside the sign-in logs' window, or that needs a sign-in kind the evidence lacks, cannot be
judged and is left alone. Storm-0558's tokens were signed with a stolen key and had no
sign-in behind them (MSTI 2023-07-14).
"""

from __future__ import annotations

from mailscope.detect.apps import client_app_sql
from mailscope.detect.backing import coverage_sql, judged_sql
from mailscope.detect.events import (
    ACTOR_IP,
    EVIL_APP,
    access,
    at,
    backed_access,
    merge,
    signin,
    signin_export,
)
from mailscope.detect.rule import RuleTest, entity_lists, sql_detection

_CLIENT = client_app_sql()

_MAIL_SQL = f"""
WITH {coverage_sql()},
candidates AS (
    SELECT a.*, lower(a.user_id) AS principal, nullif(a.aad_session_id, '') AS session,
        nullif(a.unique_token_id, '') AS token, a.token_issued_at AS issued_at
    FROM mail_access a
),
judged AS ({judged_sql("candidates")})
SELECT
    mailbox_upn AS mailbox,
    {entity_lists(mailboxes="mailbox_upn", users="user_id", apps=_CLIENT, ips="client_ip")},
    {entity_lists(sessions="session", tokens="token", evidence_keys="record_key")},
    min(time) AS first_seen,
    max(time) AS last_seen,
    count(*) AS records,
    count(DISTINCT token) AS token_count,
    count(DISTINCT session) AS session_count,
    count(DISTINCT message_id) AS items,
    count(DISTINCT folder_path) FILTER (WHERE access_type = 'Sync') AS synced_folders,
    CASE WHEN count(*) FILTER (WHERE token IS NOT NULL AND session IS NOT NULL) > 0
         THEN 'critical' ELSE 'high' END AS severity
FROM judged
WHERE backing = 'forged'
GROUP BY mailbox_upn
ORDER BY mailbox_upn
"""

_GRAPH_SQL = f"""
WITH {coverage_sql()},
candidates AS (
    SELECT g.*, regexp_extract(lower(g.request_uri), '/users/([^/?]+)/', 1) AS target,
        lower(coalesce(nullif(g.upn, ''), g.user_id)) AS principal,
        nullif(g.session_id, '') AS session, nullif(g.sign_in_activity_id, '') AS token,
        g.token_issued_at AS issued_at
    FROM graph_activity g
    WHERE lower(g.request_uri) LIKE '%/messages%' OR lower(g.request_uri) LIKE '%/mailfolders%'
       OR lower(g.request_uri) LIKE '%/attachments%'
),
judged AS ({judged_sql("candidates")})
SELECT
    coalesce(nullif(app_id, ''), '?') AS app,
    {entity_lists(mailboxes="coalesce(nullif(target, ''), nullif(upn, ''), user_id)")},
    {entity_lists(users="coalesce(nullif(upn, ''), user_id)", apps="app_id", ips="ip")},
    {entity_lists(sessions="session", tokens="token", evidence_keys="record_key")},
    min(time) AS first_seen,
    max(time) AS last_seen,
    count(*) AS requests,
    count(DISTINCT token) AS token_count
FROM judged
WHERE backing = 'forged'
GROUP BY coalesce(nullif(app_id, ''), '?')
ORDER BY app
"""

_ACTOR_SESSION = "f0e1d2c3-0000-4000-8000-00000000dead"
_FORGED = access(
    time=at(3),
    mailbox_upn="bob@example.org",
    user_id="bob@example.org",
    client_ip=ACTOR_IP,
    app_id=EVIL_APP,
    unique_token_id="forged-token-1",
    aad_session_id=_ACTOR_SESSION,
    session_id=_ACTOR_SESSION,
)
_COVERED = signin_export(users=("alice@example.org", "bob@example.org"))
_SP_TOKEN = {"user_id": "archiver-sp", "mailbox_upn": "carol@example.org", "app_id": EVIL_APP}


def _app_only(token: str, **fields: object) -> dict[str, object]:
    """An app-only read: a token id, no Entra session, Exchange's own top-level SessionId."""
    values: dict[str, object] = {"time": at(2), "unique_token_id": token, "aad_session_id": None}
    values.update(_SP_TOKEN, session_id="exchange-own-session", **fields)
    return access(**values)


MAIL_TESTS = (
    RuleTest(
        "token id and Entra session in no sign-in log of any kind",
        merge(_COVERED, backed_access(time=at(1)), _FORGED),
        fires=True,
        entities={
            "tokens": ("forged-token-1",),
            "ips": (ACTOR_IP,),
            "mailboxes": ("bob@example.org",),
        },
    ),
    RuleTest(
        "app-only token no sign-in of any kind issued",
        merge(_COVERED, _app_only("sp-forged")),
        fires=True,
        entities={"tokens": ("sp-forged",), "mailboxes": ("carol@example.org",)},
    ),
    RuleTest(
        "every token issued by a sign-in",
        merge(_COVERED, backed_access(time=at(1)), backed_access(time=at(2))),
        fires=False,
    ),
    RuleTest(
        "records without any token or Entra session id are not evidence",
        merge(
            _COVERED,
            access(time=at(2), unique_token_id=None, aad_session_id=None, session_id="exo"),
            access(time=at(2), unique_token_id="", aad_session_id="", session_id=""),
        ),
        fires=False,
    ),
    RuleTest(
        "app-only token of a service-principal sign-in; Exchange's SessionId is not looked up",
        merge(
            _COVERED,
            _app_only("sp-token"),
            signin(
                kind="service_principal",
                time=at(2),
                upn=None,
                user_id=None,
                app_id=EVIL_APP,
                unique_token_id="sp-token",
                session_id=None,
            ),
        ),
        fires=False,
    ),
    RuleTest(
        "app-only token when no service-principal sign-ins were exported",
        merge(
            signin_export(kinds=("interactive", "noninteractive")),
            _app_only("sp-token-unexported"),
        ),
        fires=False,
    ),
    RuleTest(
        "delegated token when only interactive sign-ins were exported",
        merge(signin_export(kinds=("interactive",)), access(time=at(2), unique_token_id="nx")),
        fires=False,
    ),
    RuleTest(
        "session present only in non-interactive sign-ins counts as present",
        merge(
            _COVERED,
            access(
                time=at(2),
                unique_token_id=None,
                aad_session_id="sess-refresh",
                session_id="sess-refresh",
            ),
            signin(
                kind="noninteractive",
                time=at(2, 1),
                session_id="sess-refresh",
                unique_token_id="other",
            ),
        ),
        fires=False,
    ),
    RuleTest(
        "token issued before the sign-in logs begin or after they end cannot be judged",
        merge(
            signin_export(first=5, last=8),
            access(time=at(4), unique_token_id="old-token", token_issued_at=at(4)),
            access(time=at(9), unique_token_id="late-token", token_issued_at=at(8, 2)),
            access(time=at(5, 1), unique_token_id="near-start", token_issued_at=None),
        ),
        fires=False,
    ),
    RuleTest(
        "a user the sign-in export leaves out cannot be judged",
        merge(_COVERED, access(time=at(2), user_id="zed@example.org", unique_token_id="z")),
        fires=False,
    ),
)

_FORGED_GRAPH = {
    "graph_activity": [
        {
            "record_key": "ga-forged",
            "time": at(3),
            "app_id": EVIL_APP,
            "ip": ACTOR_IP,
            "sign_in_activity_id": "forged-sia",
            "session_id": _ACTOR_SESSION,
            "request_uri": "https://graph.microsoft.com/v1.0/users/bob@example.org/messages",
            "upn": "",
            "user_id": "",
        },
    ],
    **_COVERED,
}
_BACKED_GRAPH = {
    "graph_activity": [
        {
            "record_key": "ga-backed",
            "time": at(3),
            "app_id": EVIL_APP,
            "ip": ACTOR_IP,
            "sign_in_activity_id": "sp-token-2",
            "request_uri": "https://graph.microsoft.com/v1.0/users/bob@example.org/messages",
        },
        {
            "record_key": "ga-noid",
            "time": at(3),
            "app_id": EVIL_APP,
            "ip": ACTOR_IP,
            "sign_in_activity_id": None,
            "request_uri": "https://graph.microsoft.com/v1.0/users/bob@example.org/messages",
        },
    ],
    "signins": [
        *_COVERED["signins"],
        signin(
            kind="service_principal",
            time=at(3),
            app_id=EVIL_APP,
            unique_token_id="sp-token-2",
            upn=None,
        ),
    ],
}

DETECTIONS = (
    sql_detection(
        id="MS-TOKEN-NO-SIGNIN",
        title="Mail read with a token or session no sign-in issued",
        description=(
            "MailItemsAccessed records whose UniqueTokenId (or, lacking one, AADSessionId/"
            "SessionId) appears in no sign-in log of any kind: the token was not issued by "
            "this tenant's Entra ID. Records that carry no id are not counted."
        ),
        runbook=(
            "Confirm the sign-in exports cover the period and include non-interactive and "
            "service-principal sign-ins. Treat the listed tokens' IPs and apps as actor "
            "infrastructure; scope every mailbox they touched; hunt for token forgery "
            "(CISA AA23-193A)."
        ),
        severity="high",
        attack_ids=("T1550.001", "T1606.002", "T1114.002"),
        requires=("mail_access", "signins"),
        sql=_MAIL_SQL,
        confidence=0.9,
        explain=(
            "{records} mail access record(s) on {mailbox} ({items} item(s), {synced_folders} "
            "synced folder(s)) used {token_count} token id(s) and {session_count} session "
            "id(s) that appear in no sign-in log"
        ),
        tests=MAIL_TESTS,
    ),
    sql_detection(
        id="MS-GRAPH-NO-SIGNIN",
        title="Graph mail requests whose SignInActivityId no sign-in issued",
        description=(
            "MicrosoftGraphActivityLogs mail requests (messages, mailFolders, attachments) "
            "whose SignInActivityId matches no uniqueTokenIdentifier in any sign-in log."
        ),
        runbook=(
            "Check the sign-in exports include service-principal sign-ins; then treat the "
            "app, IPs and tokens as suspect and scope the mailboxes in the request URIs."
        ),
        severity="high",
        attack_ids=("T1550.001", "T1114.002"),
        requires=("graph_activity", "signins"),
        sql=_GRAPH_SQL,
        confidence=0.85,
        explain=(
            "app {app} made {requests} Graph mail request(s) with {token_count} token id(s) "
            "that appear in no sign-in log"
        ),
        tests=(
            RuleTest(
                "Graph mail request with unknown SignInActivityId",
                _FORGED_GRAPH,
                True,
                {"tokens": ("forged-sia",), "apps": (EVIL_APP,)},
            ),
            RuleTest("SP-issued token and id-less request", _BACKED_GRAPH, False),
        ),
    ),
)
