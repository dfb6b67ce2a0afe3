"""SQL the sign-in rules share (no detections of its own): every logon the case holds, from
Entra sign-in logs and from the Unified Audit Log, in one shape.

The UAL records Entra logons as ``UserLoggedIn`` / ``UserLoginFailed``
(AzureActiveDirectoryStsLogon, RecordType 15): ``ApplicationId`` is the client, ``ObjectId``
the resource and ``ErrorNumber`` the Entra error code (only in the stored record, see
:func:`mailscope.detect.rules.admin_changes.audit_field`). Where both logs are present a
logon appears twice; rules count distinct accounts, not rows.
"""

from __future__ import annotations

from mailscope.detect.rules.admin_changes import audit_field

_UAL_CODE = (
    "CASE WHEN operation = 'UserLoggedIn' THEN 0 "
    f"ELSE try_cast({audit_field('$.ErrorNumber')} AS INTEGER) END"
)

LOGONS_CTE = f"""
logons AS (
    SELECT record_key, time, lower(coalesce(upn, user_id)) AS upn, ip, coalesce(success, false)
            AS ok,
        coalesce(status_code, CASE WHEN success THEN 0 END) AS code, user_agent AS agent,
        app_id AS app, resource_id AS resource, 'entra' AS log
    FROM signins
    WHERE kind IN ('interactive', 'noninteractive') AND coalesce(upn, user_id) IS NOT NULL
    UNION ALL
    SELECT record_key, time, lower(user_id), client_ip, operation = 'UserLoggedIn', {_UAL_CODE},
        user_agent, app_id, object_id, 'ual'
    FROM audit_events
    WHERE operation IN ('UserLoggedIn', 'UserLoginFailed') AND user_id IS NOT NULL
)"""
"""CTE ``logons``: record_key, time, upn, ip, ok, code, agent, app (client), resource, log."""


def os_family(agent: str) -> str:
    """SQL for the operating system a user agent claims, most specific first (a Windows
    Phone agent also says Android and iPhone)."""
    a = f"lower(coalesce({agent}, ''))"
    return (
        f"CASE WHEN {a} LIKE '%windows phone%' THEN 'windows phone' "
        f"WHEN {a} LIKE '%android%' THEN 'android' "
        f"WHEN {a} LIKE '%iphone%' OR {a} LIKE '%ipad%' THEN 'ios' "
        f"WHEN {a} LIKE '%macintosh%' OR {a} LIKE '%mac os x%' THEN 'macos' "
        f"WHEN {a} LIKE '%cros%' THEN 'chromeos' "
        f"WHEN {a} LIKE '%linux%' OR {a} LIKE '%x11%' THEN 'linux' "
        f"WHEN {a} LIKE '%windows%' THEN 'windows' END"
    )
