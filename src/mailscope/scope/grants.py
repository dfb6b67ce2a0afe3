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
from mailscope.detect.context import build_service_addresses
from mailscope.detect.rules.familiar import familiar_sql

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
    familiar: bool = False  # made from a network the initiator or the organisation uses

    def is_kind(self, patterns: tuple[str, ...]) -> bool:
        """Whether the activity matches one of the SQL ``LIKE`` patterns (``%`` wildcard)."""
        name = self.activity.lower().rstrip(".").strip()
        return any(
            re.fullmatch(re.escape(p).replace("%", ".*"), name) is not None for p in patterns
        )


def app_grants(connection: duckdb.DuckDBPyConnection) -> list[AppGrant]:
    """Every app change in ``directory_audits`` and the audit log's copies of them
    (AzureActiveDirectory records), oldest first."""
    like = " OR ".join("lower(g.activity) LIKE ?" for _ in GRANT_ACTIVITIES)
    build_service_addresses(connection)  # the office-network test leaves these out
    rows = connection.execute(
        "SELECT g.*, nullif(g.ip, '') IS NOT NULL AND "
        f"{familiar_sql('g.initiator', 'g.ip', 'g.time')} FROM ("
        "SELECT record_key, time, activity, lower(initiated_by_upn) AS initiator, "
        "initiated_by_ip AS ip, lower(concat_ws(' ', target_ids, target_names, "
        "modified_properties, raw)) AS text, target_names FROM directory_audits "
        "UNION ALL SELECT record_key, time, operation, lower(user_id), client_ip, "
        "lower(concat_ws(' ', object_id, parameters, raw)), NULL FROM audit_events "
        "WHERE workload = 'AzureActiveDirectory') g "
        f"WHERE g.time IS NOT NULL AND ({like}) "
        "ORDER BY g.time, g.record_key",
        list(GRANT_ACTIVITIES),
    ).fetchall()
    names = named_apps(connection)
    grants = []
    for key, when, activity, initiator, ip, text, targets, familiar in rows:
        apps = set(_GUID.findall(text or ""))
        for name in str(targets or "").split("; "):
            apps.update(names.get(name.strip().lower(), ()))
        grants.append(
            AppGrant(
                str(key),
                when,
                str(activity).strip(),
                initiator,
                ip or None,
                tuple(sorted(apps)),
                bool(familiar),
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
