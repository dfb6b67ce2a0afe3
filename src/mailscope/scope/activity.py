"""One view over every record that carries an actor's identifiers.

``_activity`` unites mail_access (MailItemsAccessed, one row per item or folder),
the other audit_events, and Graph activity, with the linkable identifiers named alike:
session (``AADSessionId`` / ``SessionId`` ↔ sign-in ``sessionId``), token
(``UniqueTokenId`` / Graph ``signInActivityId`` ↔ sign-in ``uniqueTokenIdentifier``), IP,
app and user agent (Entra docs, "Track and investigate identity activities with linkable
identifiers"). A row is *unsigned* when an id it carries appears in no sign-in although
the sign-in logs cover its time and its user or mailbox (a missing id is not evidence; an
unknown one is; a sign-in export that leaves a user out says nothing about that user).
"""

from __future__ import annotations

import duckdb

# Graph request paths name the mailbox as /users/{id or upn}/messages|mailFolders.
_GRAPH_MAILBOX = r"/users/([^/?]+)/(?:messages|mailfolders)"

ACTIVITY_SQL = f"""
CREATE OR REPLACE TEMP TABLE _activity AS
WITH rows AS (
    SELECT 'mail_access' AS source, record_key, time, lower(mailbox_upn) AS mailbox,
           lower(user_id) AS principal, client_ip AS ip,
           coalesce(nullif(app_id, ''), nullif(client_app_id, '')) AS app,
           coalesce(nullif(aad_session_id, ''), nullif(session_id, '')) AS session,
           nullif(unique_token_id, '') AS token, token_issued_at,
           nullif(user_agent, '') AS user_agent, nullif(client_info, '') AS client_info
    FROM mail_access
    UNION ALL
    SELECT 'audit_events', record_key, time, lower(mailbox_upn), lower(user_id), client_ip,
           coalesce(nullif(app_id, ''), nullif(client_app_id, '')),
           coalesce(nullif(aad_session_id, ''), nullif(session_id, '')),
           nullif(unique_token_id, ''), token_issued_at, nullif(user_agent, ''),
           nullif(client_info, '')
    FROM audit_events WHERE operation IS DISTINCT FROM 'MailItemsAccessed'
    UNION ALL
    SELECT 'graph_activity', g.record_key, g.time,
           coalesce(d.upn, nullif(regexp_extract(lower(g.request_uri), '{_GRAPH_MAILBOX}', 1), '')),
           lower(coalesce(nullif(g.upn, ''), g.user_id, g.service_principal_id)), g.ip,
           nullif(g.app_id, ''), nullif(g.session_id, ''), nullif(g.sign_in_activity_id, ''),
           g.token_issued_at, nullif(g.user_agent, ''), NULL
    FROM graph_activity g
    LEFT JOIN (SELECT DISTINCT lower(object_id) AS object_id, lower(upn) AS upn
               FROM directory_users WHERE object_id IS NOT NULL) d
      ON d.object_id = regexp_extract(lower(g.request_uri), '{_GRAPH_MAILBOX}', 1)
),
coverage AS (SELECT min(time) AS lo, max(time) AS hi, count(*) AS n FROM signins),
covered AS (SELECT DISTINCT lower(coalesce(nullif(upn, ''), user_id)) AS who FROM signins)
SELECT r.*,
       (c.n > 0 AND r.time BETWEEN c.lo AND c.hi + INTERVAL 1 DAY
        AND (r.principal IN (SELECT who FROM covered) OR r.mailbox IN (SELECT who FROM covered))
        AND (r.token_issued_at IS NULL OR r.token_issued_at >= c.lo - INTERVAL 1 HOUR)
        AND ((r.token IS NOT NULL AND r.token NOT IN (SELECT unique_token_id FROM _signed_tokens))
          OR (r.session IS NOT NULL AND r.session NOT IN (SELECT session_id FROM _signed_sessions)))
       ) AS unsigned
FROM rows r, coverage c
"""


def build_activity(connection: duckdb.DuckDBPyConnection) -> None:
    """Create the temp tables ``_signed_tokens``, ``_signed_sessions`` and ``_activity``."""
    connection.execute(
        "CREATE OR REPLACE TEMP TABLE _signed_tokens AS SELECT DISTINCT unique_token_id "
        "FROM signins WHERE unique_token_id IS NOT NULL AND unique_token_id <> ''"
    )
    connection.execute(
        "CREATE OR REPLACE TEMP TABLE _signed_sessions AS SELECT DISTINCT session_id "
        "FROM signins WHERE session_id IS NOT NULL AND session_id <> ''"
    )
    connection.execute(ACTIVITY_SQL)
