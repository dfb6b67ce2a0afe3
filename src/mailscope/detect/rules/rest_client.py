"""Scripted REST clients reading other users' mail (detection 10) — never on user agent alone.

Storm-0558's scripted clients showed ``ClientInfoString`` ``Client=REST;Client=RESTSystem;;``
(MSTI 2023-07-14), but legitimate integrations use REST too. This fires only when a REST
client context (one IP) reads mailboxes that are not the acting user's own, or reads
several users' mailboxes, and is high only when most reads also carry the forged-token
signal (:mod:`mailscope.detect.backing`: ids no sign-in of any kind issued, although the
sign-in logs could show them) — a second, independent signal. Records without ids, or
outside the sign-in logs' window, are not that signal. An archiving service's app-only
REST reads are backed by its service-principal sign-ins and stay medium; Microsoft's own
service addresses are left out.
"""

from __future__ import annotations

from mailscope.detect.backing import coverage_sql, judged_sql
from mailscope.detect.events import ACTOR_IP, access, at, backed_access, history, merge
from mailscope.detect.rule import ACCESS_ENTITIES_SQL, RuleTest, entity_lists, sql_detection

_SQL = f"""
WITH {coverage_sql()},
rest AS (
    SELECT a.*, lower(a.user_id) AS principal, nullif(a.aad_session_id, '') AS session,
        nullif(a.unique_token_id, '') AS token, a.token_issued_at AS issued_at,
        lower(coalesce(a.user_id, '')) <> lower(a.mailbox_upn) AS non_owner
    FROM mail_access a
    WHERE lower(a.client_info) LIKE 'client=rest;%'
      AND a.client_ip NOT IN (SELECT ip FROM detect_service_ips)
),
judged AS ({judged_sql("rest")})
SELECT client_ip AS ip,
    {entity_lists(mailboxes="mailbox_upn", users="user_id")},
    {ACCESS_ENTITIES_SQL},
    count(DISTINCT mailbox_upn) AS mailbox_count,
    count(*) AS records,
    CASE WHEN avg(CASE WHEN backing = 'forged' THEN 1.0 ELSE 0.0 END) >= 0.5 THEN 'high'
         ELSE 'medium' END AS severity,
    CASE WHEN avg(CASE WHEN backing = 'forged' THEN 1.0 ELSE 0.0 END) >= 0.5 THEN 0.8
         ELSE 0.5 END AS confidence
FROM judged
GROUP BY client_ip
HAVING count(*) FILTER (WHERE non_owner) > 0 OR count(DISTINCT mailbox_upn) >= 2
ORDER BY ip
"""

_REST = "Client=REST;Client=RESTSystem;;"
_BASE = history(range(3))

DETECTIONS = (
    sql_detection(
        id="MS-REST-OTHERS-MAIL",
        title="Scripted REST client reads other users' mail",
        description=(
            "A REST client (ClientInfoString Client=REST…) from one IP reads mailboxes other "
            "than the acting user's own, or several users' mailboxes; high when the user has "
            "no sign-in from that IP."
        ),
        runbook=(
            "Identify the integration behind the IP and app; if none is sanctioned, treat "
            "the IP, app and tokens as actor infrastructure."
        ),
        severity="medium",
        attack_ids=("T1114.002", "T1059"),
        requires=("mail_access",),
        sql=_SQL,
        confidence=0.6,
        explain="REST client at {ip} read {mailbox_count} mailbox(es) ({records:,} record(s))",
        tests=(
            RuleTest(
                "REST client reads two users' mail from an unsigned IP",
                merge(
                    _BASE,
                    access(
                        time=at(4),
                        client_ip=ACTOR_IP,
                        client_info=_REST,
                        mailbox_upn="bob@example.org",
                        user_id="bob@example.org",
                    ),
                    access(time=at(4), client_ip=ACTOR_IP, client_info=_REST),
                ),
                True,
                {"ips": (ACTOR_IP,)},
            ),
            RuleTest(
                "archiver's app-only REST reads backed by service-principal sign-ins",
                merge(
                    _BASE,
                    backed_access(
                        time=at(4),
                        client_ip="20.51.6.11",
                        client_info=_REST,
                        mailbox_upn="bob@example.org",
                        user_id="bob@example.org",
                    ),
                    backed_access(time=at(4), client_ip="20.51.6.11", client_info=_REST),
                ),
                True,
                {"ips": ("20.51.6.11",)},
            ),
            RuleTest(
                "user's own REST client on their own mailbox",
                merge(_BASE, access(time=at(4), client_info=_REST)),
                False,
            ),
        ),
    ),
)
