"""The app-id and permission tables detections use (``detect/data/apps.json``), loaded once."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

import orjson


@cache
def _table() -> dict[str, object]:
    data: dict[str, object] = orjson.loads(
        files("mailscope.detect").joinpath("data/apps.json").read_bytes()
    )
    return data


def first_party_apps() -> dict[str, str]:
    """Microsoft first-party app id -> name."""
    table = _table()["first_party"]
    assert isinstance(table, dict)
    return {str(k): str(v) for k, v in table.items()}


def mail_permissions() -> tuple[str, ...]:
    """Permission / role names that grant reading other people's mail."""
    table = _table()["mail_permissions"]
    assert isinstance(table, dict)
    return tuple(str(p) for p in table["high"])


def sql_list(values: tuple[str, ...] | list[str]) -> str:
    """A SQL ``(…)`` list of quoted literals from trusted package data (quotes doubled)."""
    quoted = ", ".join("'" + v.replace("'", "''") + "'" for v in sorted(values))
    return f"({quoted})"


def resource_apps() -> dict[str, str]:
    """Resource (audience) app id -> name: ids that say which API, never which client."""
    table = _table()["resources"]
    assert isinstance(table, dict)
    ids = table["ids"]
    assert isinstance(ids, dict)
    return {str(k): str(v) for k, v in ids.items()}


def client_app_sql(app_id: str = "app_id", client_app_id: str = "client_app_id") -> str:
    """SQL for the client that made a request: ``ClientAppId`` when present, else ``AppId``
    unless that names a resource (Graph, Exchange …), which every client shares."""
    resources = sql_list(list(resource_apps()))
    return (
        f"coalesce(nullif({client_app_id}, ''), "
        f"CASE WHEN {app_id} IN {resources} THEN NULL ELSE nullif({app_id}, '') END)"
    )


# App display names as the evidence states them, with the app id they belong to: sign-ins
# (appDisplayName / servicePrincipalName beside appId) and Defender CloudAppEvents rows
# whose acting account is the client app itself (AccountObjectId = ClientAppId, with
# AccountDisplayName). Directory audits name an app by its object id and display name,
# never its app id, so a name is how a change to an app meets the app's own records.
APP_NAMES_SQL = f"""
SELECT DISTINCT lower(trim(name)) AS name, lower(app_id) AS app_id FROM (
    SELECT coalesce(nullif(app_name, ''), service_principal_name) AS name, app_id
    FROM signins
    UNION ALL
    SELECT json_extract_string(raw, '$.AccountDisplayName'), client_app_id
    FROM audit_events
    WHERE json_valid(raw)
      AND lower(json_extract_string(raw, '$.AccountObjectId')) = lower(client_app_id)
)
WHERE coalesce(trim(name), '') <> '' AND coalesce(app_id, '') <> ''
  AND lower(app_id) NOT IN {sql_list(list(resource_apps()))}
"""
