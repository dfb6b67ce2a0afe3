"""Forged-token signals (detections 3 and 4): mail access whose token or session no
sign-in issued.

Entra "linkable identifiers": every token a sign-in issues carries that sign-in's
``uniqueTokenIdentifier`` (audit ``AppAccessContext.UniqueTokenId``, Graph
``SignInActivityId``) and ``sessionId`` (audit ``AADSessionId`` / ``SessionId``). An id
that appears in no sign-in log of any kind (interactive, non-interactive, service
principal, managed identity) was not issued by this tenant's Entra ID — Storm-0558's
tokens were signed with a stolen key and had no sign-in behind them (MSTI 2023-07-14).
A record that carries no id at all is *not* evidence: Exchange omits ids on some
aggregated records. Accesses before the sign-in logs begin (less a token lifetime)
cannot be judged and are left alone.
"""

from __future__ import annotations

from mailscope.detect.events import ACTOR_IP, EVIL_APP, access, at, backed_access, merge, signin
from mailscope.detect.rule import RuleTest, sql_detection

# Access tokens live 60–90 minutes; CAE-capable sessions get up to 28 hours (Entra docs,
# "Configurable token lifetimes"). A token used this long after the sign-in logs begin
# must have been issued inside them.
_TOKEN_LIFETIME = "INTERVAL '28' HOUR"

_MAIL_SQL = f"""
WITH coverage AS (SELECT min(time) AS logs_start FROM signins),
tokens AS (SELECT DISTINCT unique_token_id AS id FROM signins WHERE unique_token_id <> ''),
sessions AS (SELECT DISTINCT session_id AS id FROM signins WHERE session_id <> ''),
judged AS (
    SELECT a.*,
        nullif(a.unique_token_id, '') AS token,
        coalesce(nullif(a.aad_session_id, ''), nullif(a.session_id, '')) AS session
    FROM mail_access a CROSS JOIN coverage c
    WHERE coalesce(a.token_issued_at, a.time - {_TOKEN_LIFETIME}) >= c.logs_start
),
unbacked AS (
    SELECT j.*,
        j.token IS NOT NULL AND NOT EXISTS (SELECT 1 FROM tokens t WHERE t.id = j.token)
            AS token_absent,
        j.session IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.id = j.aad_session_id)
            AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.id = j.session_id)
            AS session_absent,
        j.token IS NOT NULL AND EXISTS (SELECT 1 FROM tokens t WHERE t.id = j.token)
            AS token_backed
    FROM judged j
)
SELECT
    mailbox_upn AS mailbox,
    array_agg(DISTINCT mailbox_upn) AS mailboxes,
    array_agg(DISTINCT user_id) AS users,
    array_agg(DISTINCT coalesce(nullif(app_id, ''), client_app_id)) AS apps,
    array_agg(DISTINCT client_ip) AS ips,
    array_agg(DISTINCT session) FILTER (WHERE session_absent) AS sessions,
    array_agg(DISTINCT token) FILTER (WHERE token_absent) AS tokens,
    array_agg(DISTINCT record_key) AS evidence_keys,
    min(time) AS first_seen,
    max(time) AS last_seen,
    count(*) AS records,
    count(DISTINCT token) FILTER (WHERE token_absent) AS token_count,
    count(DISTINCT session) FILTER (WHERE session_absent) AS session_count,
    count(DISTINCT message_id) AS items,
    count(DISTINCT folder_path) FILTER (WHERE access_type = 'Sync') AS synced_folders,
    CASE WHEN count(*) FILTER (WHERE token_absent AND session_absent) > 0 THEN 'critical'
         WHEN count(*) FILTER (WHERE token_absent) > 0 THEN 'high'
         ELSE 'medium' END AS severity,
    CASE WHEN count(*) FILTER (WHERE token_absent) > 0 THEN 0.9 ELSE 0.6 END AS confidence
FROM unbacked
WHERE token_absent OR (session_absent AND NOT token_backed)
GROUP BY mailbox_upn
ORDER BY mailbox_upn
"""

_GRAPH_SQL = f"""
WITH coverage AS (SELECT min(time) AS logs_start FROM signins),
tokens AS (SELECT DISTINCT unique_token_id AS id FROM signins WHERE unique_token_id <> ''),
mail AS (
    SELECT g.*, regexp_extract(lower(g.request_uri), '/users/([^/?]+)/', 1) AS target
    FROM graph_activity g CROSS JOIN coverage c
    WHERE coalesce(g.token_issued_at, g.time - {_TOKEN_LIFETIME}) >= c.logs_start
      AND (lower(g.request_uri) LIKE '%/messages%' OR lower(g.request_uri) LIKE '%/mailfolders%'
           OR lower(g.request_uri) LIKE '%/attachments%')
      AND nullif(g.sign_in_activity_id, '') IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM tokens t WHERE t.id = g.sign_in_activity_id)
)
SELECT
    coalesce(nullif(app_id, ''), '?') AS app,
    array_agg(DISTINCT coalesce(nullif(target, ''), nullif(upn, ''), user_id)) AS mailboxes,
    array_agg(DISTINCT coalesce(nullif(upn, ''), user_id)) AS users,
    array_agg(DISTINCT app_id) AS apps,
    array_agg(DISTINCT ip) AS ips,
    array_agg(DISTINCT session_id) AS sessions,
    array_agg(DISTINCT sign_in_activity_id) AS tokens,
    array_agg(DISTINCT record_key) AS evidence_keys,
    min(time) AS first_seen,
    max(time) AS last_seen,
    count(*) AS requests,
    count(DISTINCT sign_in_activity_id) AS token_count
FROM mail
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
_OLDER_SIGNIN = signin(time=at(0))

MAIL_TESTS = (
    RuleTest(
        "token id and session in no sign-in log",
        merge(backed_access(time=at(1)), _OLDER_SIGNIN, _FORGED),
        fires=True,
        entities={
            "tokens": ("forged-token-1",),
            "ips": (ACTOR_IP,),
            "mailboxes": ("bob@example.org",),
        },
    ),
    RuleTest(
        "every token issued by a sign-in",
        merge(backed_access(time=at(1)), backed_access(time=at(2)), _OLDER_SIGNIN),
        fires=False,
    ),
    RuleTest(
        "records without any token or session id are not evidence",
        merge(
            _OLDER_SIGNIN,
            access(time=at(2), unique_token_id=None, aad_session_id=None, session_id=None),
            access(time=at(2), unique_token_id="", aad_session_id="", session_id=""),
        ),
        fires=False,
    ),
    RuleTest(
        "app-only token backed by a service-principal sign-in",
        merge(
            _OLDER_SIGNIN,
            access(
                time=at(2),
                user_id="archiver-sp",
                mailbox_upn="carol@example.org",
                app_id=EVIL_APP,
                unique_token_id="sp-token",
                aad_session_id=None,
                session_id=None,
            ),
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
        "session present only in non-interactive sign-ins counts as present",
        merge(
            _OLDER_SIGNIN,
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
        "access before the sign-in logs begin cannot be judged",
        merge(
            signin(time=at(5)),
            access(time=at(1), unique_token_id="old-token", token_issued_at=at(1)),
        ),
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
    "signins": [_OLDER_SIGNIN],
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
        _OLDER_SIGNIN,
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
