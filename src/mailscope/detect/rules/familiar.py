"""Whether an account made a change from a network it routinely works from.

Administrators grant app permissions and Exchange roles as part of their job; what makes
the same change alarming is who made it from where. Entra ID Protection judges sign-ins by
"unfamiliar sign-in properties" (IP, ASN, location never or rarely seen for the user); the
same idea settles a change's severity here: a grant made from a network the account has
signed in from successfully on several earlier days is routine administration (medium,
for review), anything else - including every case without sign-in evidence to judge by -
stays high. A network is the address's /24 (IPv4) or /48 (IPv6): office egress is a NAT
pool that hands each session another address of the same block.
"""

from __future__ import annotations

FAMILIAR_DAYS = 2  # distinct earlier days with a successful sign-in from the same address


def network_sql(ip: str) -> str:
    """SQL for the block an address belongs to: IPv4 /24 (``a.b.c``), IPv6 /48."""
    return (
        f"CASE WHEN {ip} LIKE '%:%' "
        f"THEN array_to_string(string_split(lower({ip}), ':')[1:3], ':') "
        f"ELSE regexp_replace({ip}, '\\.[0-9]+$', '') END"
    )


def familiar_sql(actor: str, ip: str, time: str) -> str:
    """SQL boolean: account ``actor`` signed in successfully from the network of ``ip`` on
    at least ``FAMILIAR_DAYS`` distinct days before the day of ``time`` (SQL expressions)."""
    return (
        "(SELECT count(DISTINCT CAST(s.time AS DATE)) FROM signins s "
        f"WHERE coalesce(s.success, false) AND lower(coalesce(s.upn, s.user_id)) = lower({actor}) "
        f"AND {network_sql('s.ip')} = {network_sql(ip)} "
        f"AND CAST(s.time AS DATE) < CAST({time} AS DATE)) >= {FAMILIAR_DAYS}"
    )


def origin_sql(familiar: str) -> str:
    """SQL text saying where a change came from, given the boolean ``familiar``."""
    return (
        f"CASE WHEN {familiar} THEN 'from a network the account routinely signs in from' "
        "ELSE 'from a network not among the account''s usual sign-ins' END"
    )
