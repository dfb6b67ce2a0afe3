"""One table of every record that carries an actor's identifiers, each judged once.

``_activity`` unites mail_access (MailItemsAccessed, one row per item or folder), the
other audit_events, Graph activity and the sign-ins themselves, with the linkable
identifiers named alike (Entra docs, "Track and investigate identity activities with
linkable identifiers"): ``session`` is the Entra session (audit ``AADSessionId``, Graph
``SessionId``, sign-in ``sessionId``; never Exchange's top-level ``SessionId``), ``token``
the token id (``UniqueTokenId`` / ``SignInActivityId`` / ``uniqueTokenIdentifier``),
``app`` the client (``ClientAppId``, never a resource id such as Graph's). ``backing`` is
:mod:`mailscope.detect.backing`'s judgement: backed, forged or unknown (with the reason).
"""

from __future__ import annotations

import duckdb

from mailscope.detect.apps import client_app_sql
from mailscope.detect.backing import coverage_sql, judged_sql

# Graph request paths name the mailbox as /users/{id or upn}/messages|mailFolders.
_GRAPH_MAILBOX = r"/users/([^/?]+)/(?:messages|mailfolders)"
_CLIENT = client_app_sql()
# UserType 5 (Application) and 6 (ServicePrincipal): an app acting on its own token. Its
# records name the mailbox in UserId (Management Activity API, "UserType"); the acting
# principal is the app.
_APP_ONLY = (5, 6)


def _principal(user_type: str, user_id: str, app_id: str, client_app_id: str) -> str:
    """SQL for who acted: the client app for app-only records, else the user id."""
    return (
        f"CASE WHEN {user_type} IN {_APP_ONLY} "
        f"THEN lower(coalesce({client_app_sql(app_id, client_app_id)}, {user_id})) "
        f"ELSE lower({user_id}) END"
    )


ACTIVITY_SQL = f"""
CREATE OR REPLACE TEMP TABLE _activity AS
WITH {coverage_sql()},
records AS (
    SELECT 'mail_access' AS source, m.record_key, m.time, lower(m.mailbox_upn) AS mailbox,
           {_principal("e.user_type", "m.user_id", "m.app_id", "m.client_app_id")} AS principal,
           nullif(m.client_ip, '') AS ip, {client_app_sql("m.app_id", "m.client_app_id")} AS app,
           nullif(m.aad_session_id, '') AS session, NULL::VARCHAR AS link_session,
           nullif(m.unique_token_id, '') AS token, m.token_issued_at AS issued_at,
           nullif(m.user_agent, '') AS user_agent, nullif(m.client_info, '') AS client_info,
           'MailItemsAccessed' AS operation
    FROM mail_access m LEFT JOIN audit_events e ON e.record_key = m.event_key
    UNION ALL
    SELECT 'audit_events', record_key, time, lower(mailbox_upn),
           {_principal("user_type", "user_id", "app_id", "client_app_id")},
           nullif(client_ip, ''), {_CLIENT}, nullif(aad_session_id, ''),
           -- AzureActiveDirectory logon records carry the Entra session in DeviceProperties
           CASE WHEN workload = 'AzureActiveDirectory' THEN nullif(session_id, '') END,
           nullif(unique_token_id, ''), token_issued_at, nullif(user_agent, ''),
           nullif(client_info, ''), operation
    FROM audit_events WHERE operation IS DISTINCT FROM 'MailItemsAccessed'
    UNION ALL
    SELECT 'graph_activity', g.record_key, g.time,
           coalesce(d.upn, nullif(regexp_extract(lower(g.request_uri), '{_GRAPH_MAILBOX}', 1), '')),
           lower(coalesce(nullif(g.upn, ''), g.user_id, g.service_principal_id)),
           nullif(g.ip, ''), {client_app_sql("g.app_id", "NULL")}, nullif(g.session_id, ''),
           NULL, nullif(g.sign_in_activity_id, ''), g.token_issued_at,
           nullif(g.user_agent, ''), NULL, g.method || ' ' || g.request_uri
    FROM graph_activity g
    LEFT JOIN (SELECT DISTINCT lower(object_id) AS object_id, lower(upn) AS upn
               FROM directory_users WHERE object_id IS NOT NULL) d
      ON d.object_id = regexp_extract(lower(g.request_uri), '{_GRAPH_MAILBOX}', 1)
),
judged AS ({judged_sql("records")})
SELECT source, record_key, time, mailbox, principal, ip, app,
       coalesce(session, link_session) AS session, token, issued_at, user_agent,
       client_info, operation, backing, unknown_reason, NULL::VARCHAR AS kind,
       NULL::BOOLEAN AS success
FROM judged
UNION ALL
SELECT 'signins', record_key, time, NULL, lower(coalesce(nullif(upn, ''), nullif(user_id, ''),
       service_principal_id, app_id)), nullif(ip, ''), nullif(app_id, ''),
       nullif(session_id, ''), nullif(unique_token_id, ''), time, nullif(user_agent, ''), NULL,
       'sign-in', 'backed', NULL, kind, coalesce(success, false)
FROM signins
"""


def build_activity(connection: duckdb.DuckDBPyConnection) -> None:
    """Create the temp table ``_activity`` (every source, judged)."""
    connection.execute(ACTIVITY_SQL)
