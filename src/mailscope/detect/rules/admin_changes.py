"""SQL the admin-change rules share (no detections of their own).

Entra directory changes arrive two ways: Graph / Event Hub / Sentinel ``directoryAudits``
(``directory_audits``, modified properties as ``[{name, old, new}]``) and the Unified Audit
Log's ``AzureActiveDirectory`` records (``audit_events``; ``ModifiedProperties`` and ``Target``
only in the record kept in ``raw``). :data:`CHANGES_CTES` puts both in one shape:

* ``changes``: record_key, time, log ('entra' | 'ual'), activity (lower case, no trailing
  '.'), actor, ip, target, target_ids, org, ok (not a failure), raw;
* ``change_props``: record_key, name (lower case), old, new, one row per modified property.

Incidents are split into *islands*: consecutive records of one key with no gap longer than
a limit (:func:`island_ctes`), so two changes 16 months apart are two findings.
"""

from __future__ import annotations

_LOGONS = "('UserLoggedIn', 'UserLoginFailed')"


def audit_data(raw: str = "raw") -> str:
    """SQL for the AuditData object of a stored UAL record, whatever the export shape:
    the record itself (Management API, Purview CSV cell), a nested ``AuditData`` object or
    string (PowerShell ``ConvertTo-Json`` of Search-UnifiedAuditLog), or Defender's
    ``RawEventData``. NULL when ``raw`` is not JSON."""
    nested = f"json_extract({raw}, '$.AuditData')"
    nested_text = f"json_extract_string({raw}, '$.AuditData')"
    return (
        f"(CASE WHEN json_valid({raw}) THEN coalesce("
        f"CASE json_type({nested}) WHEN 'OBJECT' THEN {nested} "
        f"WHEN 'VARCHAR' THEN CASE WHEN json_valid({nested_text}) THEN CAST({nested_text} AS JSON)"
        f" END END, "
        f"CASE json_type(json_extract({raw}, '$.RawEventData')) WHEN 'OBJECT' "
        f"THEN json_extract({raw}, '$.RawEventData') END, "
        f"CAST({raw} AS JSON)) END)"
    )


def audit_field(path: str, raw: str = "raw") -> str:
    """SQL for one AuditData field as text (``path`` like ``'$.ErrorNumber'``)."""
    return f"json_extract_string({audit_data(raw)}, '{path}')"


def json_list(value: str) -> str:
    """SQL for a JSON array stored either as JSON or as a JSON string (Sentinel columns)."""
    text = f"json_extract_string({value}, '$')"
    return (
        f"(CASE json_type({value}) WHEN 'ARRAY' THEN {value} "
        f"WHEN 'VARCHAR' THEN CASE WHEN json_valid({text}) THEN CAST({text} AS JSON) END END)"
    )


def ok(result: str = "result") -> str:
    """SQL true unless ``result`` says the operation failed (UAL 'False'/'Failed', Graph
    'failure'); a missing result counts as done."""
    return f"(lower(coalesce({result}, '')) NOT IN ('false', 'failed', 'failure'))"


_TARGET_UPNS = (
    "CASE WHEN json_valid(raw) THEN nullif(array_to_string(list_distinct(coalesce("
    "json_extract_string(raw, '$.targetResources[*].userPrincipalName'), "
    "json_extract_string(raw, '$.properties.targetResources[*].userPrincipalName'))), '; '), "
    "'') END"
)
"""The target accounts' UPNs of a Graph / Event Hub audit record (``target_names`` keeps the
display name first, so the UPN is read from the record)."""

_UAL_PROPS = json_list(f"json_extract({audit_data()}, '$.ModifiedProperties')")

CHANGES_CTES = f"""
changes AS (
    SELECT record_key, time, 'entra' AS log, lower(rtrim(trim(activity), '.')) AS activity,
        lower(initiated_by_upn) AS actor, initiated_by_ip AS ip,
        coalesce({_TARGET_UPNS}, target_names) AS target,
        target_ids, CAST(NULL AS VARCHAR) AS org, {ok()} AS ok, raw,
        lower(concat_ws(' ', raw, modified_properties, target_names)) AS detail
    FROM directory_audits
    UNION ALL
    SELECT record_key, time, 'ual', lower(rtrim(trim(operation), '.')), lower(user_id),
        client_ip, object_id, CAST(NULL AS VARCHAR), organization_id, {ok()}, raw, lower(raw)
    FROM audit_events
    WHERE workload = 'AzureActiveDirectory' AND operation NOT IN {_LOGONS}
),
change_props AS (
    SELECT record_key, lower(p.name) AS name, p.old AS old, p.new AS new FROM (
        SELECT record_key, unnest(from_json(modified_properties,
            '[{{"name":"VARCHAR","old":"VARCHAR","new":"VARCHAR"}}]')) AS p
        FROM directory_audits WHERE json_valid(modified_properties)
    )
    UNION ALL
    SELECT record_key, lower(p.Name), p.OldValue, p.NewValue FROM (
        SELECT record_key, unnest(from_json({_UAL_PROPS},
            '[{{"Name":"VARCHAR","OldValue":"VARCHAR","NewValue":"VARCHAR"}}]')) AS p
        FROM audit_events
        WHERE workload = 'AzureActiveDirectory' AND operation NOT IN {_LOGONS}
            AND {_UAL_PROPS} IS NOT NULL
    )
)"""
"""CTEs ``changes`` and ``change_props`` (append to a ``WITH``; no leading comma)."""


def prop(name: str, side: str = "new", table: str = "c") -> str:
    """SQL for the ``side`` ('new' | 'old') value of property ``name`` of change ``table``."""
    return (
        f"(SELECT min(cp.{side}) FROM change_props cp "
        f"WHERE cp.record_key = {table}.record_key AND cp.name = '{name.lower()}')"
    )


def clean(value: str) -> str:
    """SQL stripping the JSON quoting Graph puts around modified-property values."""
    return f"trim({value}, '\"[] \r\n')"


def island_ctes(
    source: str, key: str, gap: str = "INTERVAL '24' HOUR", name: str = "islands"
) -> str:
    """Two CTEs numbering islands of ``source`` rows per ``key`` (a SQL expression):
    ``{name}_gaps`` then ``{name}`` with an ``island`` column. Rows closer than ``gap`` to
    the previous row of the same key share an island."""
    return f"""
{name}_gaps AS (
    SELECT s.*, {key} AS island_key,
        CASE WHEN lag(s.time) OVER (PARTITION BY {key} ORDER BY s.time, s.record_key) IS NULL
             OR s.time - lag(s.time) OVER (PARTITION BY {key} ORDER BY s.time, s.record_key)
                > {gap}
        THEN 1 ELSE 0 END AS island_start
    FROM {source} s
),
{name} AS (
    SELECT *, sum(island_start) OVER (PARTITION BY island_key ORDER BY time, record_key
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS island
    FROM {name}_gaps
)"""
