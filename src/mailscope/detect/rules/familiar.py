"""Whether an account made a change from a network it routinely works from.

Administrators grant app permissions and Exchange roles as part of their job; what makes
the same change alarming is who made it from where. Entra ID Protection judges sign-ins by
"unfamiliar sign-in properties" (IP, ASN, location never or rarely seen for the user); the
same idea settles a change's severity here: a grant made from a network the account has
signed in from successfully on several earlier days is routine administration (medium,
for review), anything else - including every case without sign-in evidence to judge by -
stays high. A network is the address's /24 (IPv4) or /48 (IPv6): office egress is a NAT
pool that hands each session another address of the same block. The tenant's own office
networks count as familiar for every account (Entra's "trusted locations", learned from
the evidence): blocks that at least :data:`OFFICE_ACCOUNTS` accounts, and
:data:`OFFICE_SHARE` of all that sign in, sign in from successfully - never Microsoft's
service addresses (``detect_service_ips``), which cloud-hosted attackers share.
"""

from __future__ import annotations

FAMILIAR_DAYS = 2  # distinct earlier days with a successful sign-in from the same network
OFFICE_ACCOUNTS = 5  # accounts signing in from a block before it can be an office network
OFFICE_SHARE = 0.05  # ... and this share of every account that signs in


def network_sql(ip: str) -> str:
    """SQL for the block an address belongs to: IPv4 /24 (``a.b.c``), IPv6 /48."""
    return (
        f"CASE WHEN {ip} LIKE '%:%' "
        f"THEN array_to_string(string_split(lower({ip}), ':')[1:3], ':') "
        f"ELSE regexp_replace({ip}, '\\.[0-9]+$', '') END"
    )


def familiar_sql(actor: str, ip: str, time: str) -> str:
    """SQL boolean: account ``actor`` signed in successfully from the network of ``ip`` on
    at least ``FAMILIAR_DAYS`` distinct days before the day of ``time``, or that network is
    one of the organisation's office networks (arguments are SQL expressions; qualify
    column names, since bare ``ip`` or ``time`` would name the subquery's own sign-in)."""
    return (
        "coalesce((SELECT count(DISTINCT CAST(s.time AS DATE)) FROM signins s "
        f"WHERE coalesce(s.success, false) AND lower(coalesce(s.upn, s.user_id)) = lower({actor}) "
        f"AND {network_sql('s.ip')} = {network_sql(ip)} "
        f"AND CAST(s.time AS DATE) < CAST({time} AS DATE)) >= {FAMILIAR_DAYS} "
        f"OR {network_sql(ip)} IN ({OFFICE_NETWORKS_SQL}), false)"
    )


OFFICE_NETWORKS_SQL = f"""
SELECT {network_sql("o.ip")} FROM signins o
WHERE coalesce(o.success, false) AND o.ip IS NOT NULL
  AND o.ip NOT IN (SELECT ip FROM detect_service_ips)
GROUP BY 1
HAVING count(DISTINCT lower(coalesce(o.upn, o.user_id))) >= greatest({OFFICE_ACCOUNTS},
    {OFFICE_SHARE} * (SELECT count(DISTINCT lower(coalesce(upn, user_id))) FROM signins
                      WHERE coalesce(success, false)))
"""


def origin_sql(familiar: str) -> str:
    """SQL text saying where a change came from, given the boolean ``familiar``."""
    return (
        f"CASE WHEN {familiar} "
        "THEN 'from a network the account or its organisation routinely signs in from' "
        "ELSE 'from a network not among the account''s usual sign-ins' END"
    )


def routine_sql(ip: str = "ip") -> str:
    """SQL aggregate: every change of the group whose address is known came from a familiar
    network (column ``familiar``), and at least one address is known. The audit log's copy
    of a directory change often carries no address; it neither vouches nor accuses."""
    return f"coalesce(bool_and(familiar) FILTER (WHERE nullif({ip}, '') IS NOT NULL), false)"
