"""How widely each actor indicator is used by the tenant's ordinary accounts.

An address, client string or app that staff sign in from or read mail with, in records the
scope did not attribute to the actor, is shared infrastructure (a VPN exit, a hotel, a
cloud proxy, a common browser, a vendor's app), not the actor's own. The count travels
with each indicator (``iocs.stix.json``) so that the campaign view never links two
organisations by what their staff also use.

Counted: distinct accounts outside the actor's with a successful user sign-in carrying the
value, or with an audit record carrying it that the scope did not attribute to the actor.
"""

from __future__ import annotations

import duckdb

# Where each kind of indicator is used: (value column, account column, rows).
_USER_SIGNINS = "signins WHERE success AND kind IN ('interactive', 'noninteractive')"
_UNATTRIBUTED = (
    "audit_events WHERE record_key NOT IN "
    "(SELECT m.event_key FROM mail_access m JOIN scope_access s USING (record_key))"
)
_SIGNIN_ACCOUNT = "lower(coalesce(upn, user_id))"
_USES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "ip": (("ip", _SIGNIN_ACCOUNT, _USER_SIGNINS), ("client_ip", "lower(user_id)", _UNATTRIBUTED)),
    "user_agent": (
        ("user_agent", _SIGNIN_ACCOUNT, _USER_SIGNINS),
        ("user_agent", "lower(user_id)", _UNATTRIBUTED),
        ("client_info", "lower(user_id)", _UNATTRIBUTED),
    ),
    "app": (
        ("app_id", _SIGNIN_ACCOUNT, _USER_SIGNINS),
        ("client_app_id", "lower(user_id)", _UNATTRIBUTED),
    ),
}
_NEEDS = frozenset({"signins", "audit_events", "mail_access", "scope_access", "scope_actor"})


def ordinary_use(
    connection: duckdb.DuckDBPyConnection, tables: frozenset[str]
) -> dict[tuple[str, str], int]:
    """(kind, value) of each actor ip, user agent and app -> accounts outside the actor
    that use it; absent when no such account does (or the case has no scope yet)."""
    if not tables >= _NEEDS:
        return {}
    found: dict[tuple[str, str], int] = {}
    for kind, selects in _USES.items():
        uses = " UNION ALL ".join(
            f"SELECT {value} AS value, {account} AS account FROM {rows}"
            for value, account, rows in selects
        )
        rows = connection.execute(
            f"""
            WITH actor AS (SELECT DISTINCT value FROM scope_actor WHERE kind = $kind),
                accounts AS (SELECT DISTINCT lower(value) AS account FROM scope_actor
                    WHERE kind = 'account')
            SELECT u.value, count(DISTINCT u.account)
            FROM ({uses}) u JOIN actor a ON u.value = a.value
            WHERE u.account IS NOT NULL AND u.account <> ''
                AND u.account NOT IN (SELECT account FROM accounts)
            GROUP BY u.value ORDER BY u.value
            """,
            {"kind": kind},
        ).fetchall()
        found.update({(kind, str(value)): int(count) for value, count in rows})
    return found
