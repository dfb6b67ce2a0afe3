"""Mail read from IPs with no successful sign-in for that user (detection 8).

Delegated tokens are issued to a client at sign-in; their mail reads come from the same
egress as a successful sign-in of that user (interactive or non-interactive). Reads from
an address the user never signed in from point to token theft or forgery — or to
IPv4/IPv6 egress differences and sign-in logs that do not cover the period, which is
why this is medium on its own. App-only access (tokens issued by service-principal or
managed-identity sign-ins) is not judged here, nor are Microsoft's own service addresses
(Outlook mobile syncs from them) or non-public ones.
"""

from __future__ import annotations

from mailscope.detect.events import ACTOR_IP, access, at, history, merge, signin
from mailscope.detect.rule import ACCESS_ENTITIES_SQL, RuleTest, entity_lists, sql_detection

_SQL = f"""
WITH coverage AS (SELECT min(time) AS logs_start FROM signins WHERE success),
signed_in AS (SELECT DISTINCT lower(upn) AS upn, ip FROM signins WHERE success AND ip <> ''),
users AS (SELECT DISTINCT lower(upn) AS upn FROM signins WHERE upn <> ''),
app_tokens AS (
    SELECT DISTINCT unique_token_id AS id FROM signins
    WHERE kind IN ('service_principal', 'managed_identity') AND unique_token_id <> ''
),
-- Anti-joins, not correlated NOT EXISTS: DuckDB decorrelates those by copying every
-- mail_access row first, which cost more than the rest of the rule.
reads AS (
    SELECT a.* FROM mail_access a CROSS JOIN coverage c
    ANTI JOIN app_tokens t ON t.id = a.unique_token_id
    ANTI JOIN signed_in s ON s.upn = lower(a.user_id) AND s.ip = a.client_ip
    ANTI JOIN detect_service_ips x ON x.ip = a.client_ip
    WHERE a.time >= c.logs_start AND a.client_ip <> '' AND a.user_id LIKE '%@%'
      AND lower(a.user_id) IN (SELECT upn FROM users)
)
SELECT lower(user_id) AS user_name, client_ip AS ip,
    {entity_lists(mailboxes="mailbox_upn", users="lower(user_id)")},
    {ACCESS_ENTITIES_SQL},
    count(*) AS records, count(DISTINCT mailbox_upn) AS mailbox_count
FROM reads
GROUP BY lower(user_id), client_ip
ORDER BY user_name, ip
"""

_BASE = history(range(3))

DETECTIONS = (
    sql_detection(
        id="MS-READ-IP-NO-SIGNIN",
        title="Mail read from an IP the user never signed in from",
        description=(
            "MailItemsAccessed by a user from a client IP with no successful sign-in of that "
            "user from that IP anywhere in the sign-in logs."
        ),
        runbook=(
            "Look the IP up (hosting/VPS/proxy?), check the records' token ids against the "
            "sign-in logs, and ask the user. Treat IPv6/IPv4 egress pairs with care."
        ),
        severity="medium",
        attack_ids=("T1550.001", "T1114.002"),
        requires=("mail_access", "signins"),
        sql=_SQL,
        confidence=0.5,
        explain=(
            "{user_name} read mail ({records:,} record(s), {mailbox_count} mailbox(es)) from "
            "{ip}, an address with no successful sign-in of that user"
        ),
        tests=(
            RuleTest(
                "read from an unknown address",
                merge(_BASE, access(time=at(4), client_ip=ACTOR_IP)),
                True,
                {"ips": (ACTOR_IP,)},
            ),
            RuleTest(
                "app-only read backed by a service-principal sign-in",
                merge(
                    _BASE,
                    access(time=at(4), client_ip="20.51.6.11", unique_token_id="sp"),
                    signin(
                        time=at(4),
                        kind="service_principal",
                        upn=None,
                        ip="20.51.6.11",
                        unique_token_id="sp",
                    ),
                ),
                False,
            ),
            RuleTest(
                "traveller signed in from the address",
                merge(
                    _BASE,
                    access(time=at(4), client_ip="192.0.2.50"),
                    signin(time=at(4), ip="192.0.2.50", kind="noninteractive"),
                ),
                False,
            ),
        ),
    ),
)
