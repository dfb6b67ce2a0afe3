"""Changes that give an app power over mail or make it usable: consent, app-role and
delegated-permission grants, new credentials, new service principals.

These are the evidence that ties a third-party app to whoever made the change (the
Midnight Blizzard pattern: an app given a credential and ``full_access_as_app`` by a
compromised account, MSRC 2024-01-25). An audit names the app by its object id, its
``ServicePrincipal.AppId`` / ``TargetId.ServicePrincipalNames`` properties or its display
name; every GUID in the record is collected, and display names are resolved to app ids
through the app's own records (:data:`mailscope.detect.apps.APP_NAMES_SQL`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import duckdb

from mailscope.detect.apps import APP_NAMES_SQL

GRANT_ACTIVITIES = (
    "consent to application%",
    "add app role assignment%",
    "add delegated permission grant%",
    "add oauth2permissiongrant%",
    "add service principal%",
    "update application%certificates and secrets%",
    "add application%",
    "add owner to application%",
    "add owner to service principal%",
)
CREDENTIAL_ACTIVITIES = (
    "update application%certificates and secrets%",
    "add service principal credentials%",
)
PERMISSION_ACTIVITIES = (
    "consent to application%",
    "add app role assignment%",
    "add delegated permission grant%",
    "add oauth2permissiongrant%",
    "update application",  # requiredResourceAccess: the permissions the app asks for
)
_GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass(frozen=True, slots=True)
class AppGrant:
    """One change to an app: when, by whom, from where, and the app ids it may name."""

    key: str
    time: datetime
    activity: str
    initiator: str | None
    ip: str | None
    apps: tuple[str, ...]

    def is_kind(self, patterns: tuple[str, ...]) -> bool:
        """Whether the activity matches one of the SQL ``LIKE`` patterns (``%`` wildcard)."""
        name = self.activity.lower().rstrip(".").strip()
        return any(
            re.fullmatch(re.escape(p).replace("%", ".*"), name) is not None for p in patterns
        )


def app_grants(connection: duckdb.DuckDBPyConnection) -> list[AppGrant]:
    """Every app change in ``directory_audits`` and the audit log's copies of them
    (AzureActiveDirectory records), oldest first."""
    like = " OR ".join("lower(activity) LIKE ?" for _ in GRANT_ACTIVITIES)
    rows = connection.execute(
        "SELECT * FROM ("
        "SELECT record_key, time, activity, lower(initiated_by_upn) AS initiator, "
        "initiated_by_ip AS ip, lower(concat_ws(' ', target_ids, target_names, "
        "modified_properties, raw)) AS text, target_names FROM directory_audits "
        "UNION ALL SELECT record_key, time, operation, lower(user_id), client_ip, "
        "lower(concat_ws(' ', object_id, parameters, raw)), NULL FROM audit_events "
        "WHERE workload = 'AzureActiveDirectory') "
        f"WHERE time IS NOT NULL AND ({like}) ORDER BY time, record_key",
        list(GRANT_ACTIVITIES),
    ).fetchall()
    names = named_apps(connection)
    grants = []
    for key, when, activity, initiator, ip, text, targets in rows:
        apps = set(_GUID.findall(text or ""))
        for name in str(targets or "").split("; "):
            apps.update(names.get(name.strip().lower(), ()))
        grants.append(
            AppGrant(
                str(key), when, str(activity).strip(), initiator, ip or None, tuple(sorted(apps))
            )
        )
    return grants


def named_apps(connection: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    """App display name (lower-case) -> app ids; a name that several apps share names none
    (display names are not unique in Entra)."""
    names: dict[str, set[str]] = {}
    for name, app in connection.execute(APP_NAMES_SQL).fetchall():
        names.setdefault(str(name), set()).add(str(app))
    return {name: apps for name, apps in names.items() if len(apps) == 1}
