"""The SQL twin of ``readers/ual/auditdata.py`` for records whose form it can map exactly.

One query per chunk extracts every field the Python mapper reads (one JSON parse per
record), decides per record whether the SQL mapping is exact (``fast``: canonical JSON, a
GUID ``Id``, values of the kinds and forms the macros of ``macros.sql`` handle), and maps
those records to ``audit_events`` columns plus the list of their ``mail_access`` rows.
Records that are not ``fast`` go through the Python reader, so both paths agree row for row.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from mailscope.ingest.normalise import _WELL_KNOWN
from mailscope.ingest.readers.ual.auditdata import IP_FIELDS

# Characters Python's str.strip() removes (str.isspace), for DuckDB's trim(s, chars).
PY_WHITESPACE = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())

# (alias, JSON path) of every AuditData field the mapper reads.
FIELDS: tuple[tuple[str, str], ...] = (
    ("Id", "$.Id"),
    ("id_", "$.id"),
    ("Operation", "$.Operation"),
    ("CreationTime", "$.CreationTime"),
    ("CreationDate", "$.CreationDate"),
    ("Workload", "$.Workload"),
    ("RecordType", "$.RecordType"),
    ("UserId", "$.UserId"),
    ("UserType", "$.UserType"),
    *((name, f"$.{name}") for name in IP_FIELDS),
    ("AppId", "$.AppId"),
    ("ApplicationId", "$.ApplicationId"),
    ("ClientAppId", "$.ClientAppId"),
    ("Context", "$.AppAccessContext"),
    ("CtxClientAppId", "$.AppAccessContext.ClientAppId"),
    ("CtxAADSessionId", "$.AppAccessContext.AADSessionId"),
    ("CtxUniqueTokenId", "$.AppAccessContext.UniqueTokenId"),
    ("CtxIssuedAtTime", "$.AppAccessContext.IssuedAtTime"),
    ("SessionId", "$.SessionId"),
    ("ClientInfoString", "$.ClientInfoString"),
    ("UserAgent", "$.UserAgent"),
    ("LogonType", "$.LogonType"),
    ("InternalLogonType", "$.InternalLogonType"),
    ("MailboxOwnerUPN", "$.MailboxOwnerUPN"),
    ("MailboxGuid", "$.MailboxGuid"),
    ("ResultStatus", "$.ResultStatus"),
    ("ObjectId", "$.ObjectId"),
    ("OrganizationId", "$.OrganizationId"),
    ("Parameters", "$.Parameters"),
    ("ExtendedProperties", "$.ExtendedProperties"),
    ("DeviceProperties", "$.DeviceProperties"),
    ("OperationProperties", "$.OperationProperties"),
    ("MailAccessType", "$.MailAccessType"),
    ("IsThrottled", "$.IsThrottled"),
    ("OperationCount", "$.OperationCount"),
    ("Folders", "$.Folders"),
    ("Item", "$.Item"),
    ("AuditData", "$.AuditData"),
)
_INDEX = {alias: number for number, (alias, _) in enumerate(FIELDS, start=1)}
# Fields mapped with text(): strings or null only (numbers, objects … go to Python).
TEXT_FIELDS = (
    "Id",
    "id_",
    "Operation",
    "CreationTime",
    "CreationDate",
    "Workload",
    "UserId",
    *IP_FIELDS,
    "AppId",
    "ApplicationId",
    "ClientAppId",
    "CtxClientAppId",
    "CtxAADSessionId",
    "CtxUniqueTokenId",
    "CtxIssuedAtTime",
    "SessionId",
    "ClientInfoString",
    "UserAgent",
    "MailboxOwnerUPN",
    "MailboxGuid",
    "ResultStatus",
    "ObjectId",
    "OrganizationId",
    "MailAccessType",
)
INT_FIELDS = ("RecordType", "UserType", "LogonType", "InternalLogonType", "OperationCount")
NAME_VALUE_FIELDS = ("Parameters", "ExtendedProperties", "DeviceProperties", "OperationProperties")
GUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
# Texts orjson and DuckDB's yyjson read differently (escapes, NaN, integers beyond 64 bits).
HAZARDS = r"\\u|NaN|Infinity|[0-9]{19}"


@cache
def macros_sql() -> str:
    """The ``ms_*`` macros, with the whitespace set and the localised folder-root map."""
    text = files("mailscope.ingest.bulk").joinpath("macros.sql").read_text("utf-8")
    roots = ", ".join(
        f"'{name}': '{english}'" for name, english in _WELL_KNOWN.items() if name.isascii()
    )
    return text.replace("{WS}", PY_WHITESPACE).replace("{ROOTS}", f"MAP {{{roots}}}")


def fields_sql(source: str, extra_columns: tuple[str, ...]) -> str:
    """Every field of every record of ``source`` (columns ``line``, ``doc``) in one parse."""
    paths = ", ".join(f"'{path}'" for _, path in FIELDS)
    extras = "".join(f', "{name}"' for name in extra_columns)
    return (
        f"SELECT line, doc{extras}, CASE WHEN left(doc, 1) = '{{' AND json_valid(doc) "
        f"AND NOT regexp_matches(doc, '{HAZARDS}') AND json(doc) = doc "
        "AND len(json_keys(doc)) = len(list_distinct(json_keys(doc))) "
        f"THEN json_extract(doc, [{paths}]) END AS f FROM {source}"
    )


def _field(alias: str, fills: dict[str, tuple[str, ...]]) -> str:
    """A field's JSON text; CSV exports fill a blank field from their own columns."""
    value = f"f[{_INDEX[alias]}]"
    for column in fills.get(alias, ()):
        value = (
            f'CASE WHEN ms_jblank({value}) AND NOT ms_blank("{column}") '
            f'THEN to_json("{column}") ELSE {value} END'
        )
    return value


def _pick(*aliases: str) -> str:
    """``pick(data, *names)`` on textual fields: the first non-blank string, else NULL."""
    whens = " ".join(f"WHEN NOT ms_blank(s_{a}) THEN s_{a}" for a in aliases)
    return f"CASE {whens} END"


def _first_json(*aliases: str) -> str:
    whens = " ".join(f"WHEN NOT ms_jblank(j_{a}) THEN j_{a}" for a in aliases)
    return f"CASE {whens} END"


def values_sql(fields: str, fills: dict[str, tuple[str, ...]]) -> str:
    """Per record: each field's JSON text, string value and decoded name-value lists."""
    columns = ", ".join(f"{_field(alias, fills)} AS j_{alias}" for alias, _ in FIELDS)
    strings = ", ".join(f"ms_str(j_{alias}) AS s_{alias}" for alias in TEXT_FIELDS)
    lists = ", ".join(f"ms_nv(j_{a}) AS nv_{a}" for a in NAME_VALUE_FIELDS)
    return f"""
WITH v AS (SELECT line, doc, {columns} FROM {fields} WHERE f IS NOT NULL),
w AS (SELECT *, {strings}, {lists} FROM v)
SELECT *,
    {_pick("CreationTime", "CreationDate")} AS time_src,
    {_pick(*IP_FIELDS)} AS ip_src,
    {_first_json("LogonType", "InternalLogonType")} AS j_logon,
    ms_nv_get(nv_DeviceProperties, 'SessionId') AS dev_session,
    ms_nv_get(nv_ExtendedProperties, 'UserAgent') AS ext_agent,
    ms_nv_get(nv_OperationProperties, 'MailAccessType') AS op_access,
    CASE WHEN ms_nv_has(nv_OperationProperties, 'IsThrottled')
         THEN ms_nv_get(nv_OperationProperties, 'IsThrottled') ELSE j_IsThrottled END
        AS j_throttled,
    TRY_CAST(ms_int(j_RecordType) AS INTEGER) AS record_type,
    ms_text(s_Operation) AS operation
FROM w"""


def mapped_sql(values: str, require_plain: bool) -> str:
    """Per record: ``fast``, the ``audit_events`` values and the ``mail_access`` item list."""
    gate = " AND ".join(
        [
            "regexp_full_match(s_Id, '" + GUID + "')",
            "s_Operation <> '' AND ms_ascii(s_Operation)",
            *(f"ms_textual(j_{a})" for a in TEXT_FIELDS),
            *(f"ms_int_ok(j_{a}, 9)" for a in INT_FIELDS),
            *(f"nv_{a} IS NOT NULL" for a in NAME_VALUE_FIELDS),
            "ms_kind(j_Context) IN ('n', 'o')",
            "(ms_kind(j_Context) = 'n' OR len(json_keys(j_Context)) = "
            "len(list_distinct(json_keys(j_Context))))",
            "ms_time_ok(ms_text(time_src)) AND ms_time_ok(ms_text(s_CtxIssuedAtTime))",
            "ms_ip_ok(ms_text(ip_src))",
            "(s_UserId IS NULL OR ms_ascii(s_UserId))",
            "(s_MailboxOwnerUPN IS NULL OR ms_ascii(s_MailboxOwnerUPN))",
            "ms_textual(dev_session) AND ms_textual(ext_agent)",
            "(NOT is_mia OR mia_ok)",
            *(["j_AuditData IS NULL"] if require_plain else []),
        ]
    )
    return f"""
WITH y AS (SELECT *,
        record_type IS NOT DISTINCT FROM 50 OR operation IS NOT DISTINCT FROM 'MailItemsAccessed'
            AS is_mia
      FROM {values}),
z AS (SELECT *,
        CASE WHEN ms_kind(op_access) = 's' AND ms_str(op_access) <> ''
             THEN ms_text(ms_str(op_access)) ELSE ms_text(s_MailAccessType) END AS access_type,
        CASE WHEN ms_kind(j_Folders) = 'a' AND json_array_length(j_Folders) > 0 THEN true
             WHEN ms_kind(j_Folders) IN ('n', 'a') THEN ms_kind(j_Item) = 'n'
             ELSE false END AS folders_ok
      FROM y),
m AS (SELECT *,
        ms_textual(op_access) AND ms_bool_ok(j_throttled) AND folders_ok
            AND (access_type IS NULL OR ms_ascii(access_type)) AS mia_ok
      FROM z)
SELECT line, coalesce({gate}, false) AS fast,
    lower(s_Id) || '|' || lower(ms_strip(s_Operation)) AS record_key,
    ms_text(coalesce(s_Id, s_id_)) AS id,
    ms_time(ms_text(time_src)) AS time,
    ms_text(s_Workload) AS workload,
    record_type,
    operation,
    lower(ms_text(s_UserId)) AS user_id,
    TRY_CAST(ms_int(j_UserType) AS INTEGER) AS user_type,
    ms_ip(ms_text(ip_src)) AS client_ip,
    coalesce(ms_text(s_AppId), ms_text(s_ApplicationId)) AS app_id,
    coalesce(ms_text(s_ClientAppId), ms_text(s_CtxClientAppId)) AS client_app_id,
    coalesce(ms_text(s_SessionId), ms_text(ms_str(dev_session))) AS session_id,
    ms_text(s_CtxAADSessionId) AS aad_session_id,
    ms_text(s_CtxUniqueTokenId) AS unique_token_id,
    ms_time(ms_text(s_CtxIssuedAtTime)) AS token_issued_at,
    ms_text(s_ClientInfoString) AS client_info,
    coalesce(ms_text(s_UserAgent), ms_text(ms_str(ext_agent))) AS user_agent,
    TRY_CAST(ms_int(j_logon) AS INTEGER) AS logon_type,
    lower(ms_text(s_MailboxOwnerUPN)) AS mailbox_upn,
    ms_text(s_MailboxGuid) AS mailbox_guid,
    ms_text(s_ResultStatus) AS result,
    ms_text(s_ObjectId) AS object_id,
    ms_text(s_OrganizationId) AS organization_id,
    ms_params(list_concat(nv_Parameters, nv_ExtendedProperties, nv_OperationProperties))
        AS parameters,
    doc AS raw,
    is_mia, access_type,
    ms_bool(j_throttled) AS is_throttled,
    TRY_CAST(ms_int(j_OperationCount) AS INTEGER) AS operation_count,
    coalesce(ms_lower_ascii(access_type) = 'sync', false) AS sync,
    j_Folders
FROM m"""


# mail_access rows of the fast MailItemsAccessed records: one per Sync folder or Bind item,
# numbered in record order; ``ok`` is false where a folder or item has a shape left to Python.
ITEMS_SQL = r"""
WITH folders AS (
    SELECT line, sync, unnest(json_extract(j_Folders, '$[*]')) AS folder,
        unnest(range(CAST(json_array_length(j_Folders) AS BIGINT))) AS folder_index
    FROM _ms_rows WHERE fast AND is_mia AND ms_kind(j_Folders) = 'a'),
parts AS (
    SELECT line, sync, folder_index, left(folder, 1) = '{' AS is_object,
        json_extract(folder, ['$.Path', '$.FolderItems']) AS f
    FROM folders),
checked AS (
    SELECT line, sync, folder_index, f[1] AS j_path, f[2] AS j_items,
        is_object AND ms_textual(f[1]) AND (ms_str(f[1]) IS NULL OR ms_ascii(ms_str(f[1])))
            AND (sync OR ms_kind(f[2]) IN ('n', 'a')) AS ok
    FROM parts),
items AS (
    SELECT line, folder_index, j_path, unnest(json_extract(j_items, '$[*]')) AS item,
        unnest(range(CAST(json_array_length(j_items) AS BIGINT))) AS item_index
    FROM checked WHERE NOT sync AND ok AND ms_kind(j_items) = 'a'),
item_rows AS (
    SELECT line, folder_index, item_index, j_path,
        json_extract(item, ['$.InternetMessageId', '$.SizeInBytes']) AS f,
        left(item, 1) = '{' AS is_object
    FROM items),
all_rows AS (
    SELECT line, folder_index, -1 AS item_index, j_path, NULL AS j_id, NULL AS j_size, ok
    FROM checked WHERE sync OR NOT ok
    UNION ALL
    SELECT line, folder_index, item_index, j_path, f[1], f[2],
        is_object AND ms_textual(f[1]) AND ms_int_ok(f[2], 18)
    FROM item_rows)
SELECT line, ok,
    row_number() OVER (PARTITION BY line ORDER BY folder_index, item_index) - 1 AS row_index,
    ms_path(ms_str(j_path)) AS folder_path,
    ms_message_id(ms_str(j_id)) AS message_id,
    ms_int(j_size) AS size_bytes
FROM all_rows
"""
