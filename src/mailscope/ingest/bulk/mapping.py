"""The SQL twin of ``readers/ual/auditdata.py`` for records whose form it can map exactly.

Three queries per chunk: ``fields_sql`` parses each record once and splits out every field
the Python mapper reads; ``rows_sql``, run over it as a subquery, decides per record
whether the SQL mapping is exact (``fast``: valid strict JSON, a GUID ``Id``, values of the
kinds and forms the macros of ``macros.sql`` handle) and maps it to ``audit_events``
columns; ``ITEMS_SQL`` flattens the Folders of fast MailItemsAccessed records into
``mail_access`` rows. Records that are not
``fast`` go through the Python reader, so both paths agree row for row.

Each record is parsed once (``json_transform`` into a structure of the fields' JSON texts).
Known gaps: a key repeated within one object is read first-wins by DuckDB but last-wins by
orjson; a number beyond the double range is refused by orjson but read by DuckDB.
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
# JSON DuckDB's reader accepts and orjson refuses: those records go to the Python reader,
# which quarantines them. (Comments, bad escapes and raw control characters fail json_valid.)
LENIENT = (
    r"contains(doc, 'NaN') OR contains(doc, 'Infinity') OR regexp_matches(doc, ',[ \t\r\n]*[}\]]')"
)
# DuckDB's JSON structures match keys case-sensitively but refuse two keys differing in case
# only: the later spelling of such a pair is read on its own, in the rare records holding it.
_CASED_TWINS = ("id_", "ClientIp")
_CONTEXT = ("CtxClientAppId", "CtxAADSessionId", "CtxUniqueTokenId", "CtxIssuedAtTime")


@cache
def macros_sql() -> str:
    """The ``ms_*`` macros, with the whitespace set and the localised folder-root map."""
    text = files("mailscope.ingest.bulk").joinpath("macros.sql").read_text("utf-8")
    roots = ", ".join(
        f"'{name}': '{english}'" for name, english in _WELL_KNOWN.items() if name.isascii()
    )
    return text.replace("{WS}", PY_WHITESPACE).replace("{ROOTS}", f"MAP {{{roots}}}")


def _structure(aliases: tuple[str, ...], prefix: str = "$.") -> str:
    """A ``json_transform`` structure reading each field of ``aliases`` as JSON text."""
    paths = dict(FIELDS)
    keys = (paths[alias].removeprefix(prefix) for alias in aliases)
    return "{" + ", ".join(f'"{key}": "JSON"' for key in keys) + "}"


def fields_sql(source: str, fills: dict[str, tuple[str, ...]]) -> str:
    """Per record of ``source`` (``line``, ``doc``, CSV columns): every field in one parse.

    Columns: ``j_<field>`` (the field's JSON text; no row when the document is not one the
    SQL reads exactly), ``e_<field>`` (string values), ``fill_<field>`` (CSV exports fill
    blank fields from their own columns), the decoded name-value lists ``nv_<field>`` (NULL
    when an entry has a shape left to Python) and ``textual_ok`` (text fields hold strings).
    """
    top = tuple(a for a, p in FIELDS if a not in _CASED_TWINS + _CONTEXT)
    extras = "".join(f', "{name}"' for names in fills.values() for name in names)
    twins = "".join(
        f", CASE WHEN contains(doc, '\"{path[2:]}\"') THEN json_extract(doc, '{path}') END AS x_{a}"
        for a, path in FIELDS
        if a in _CASED_TWINS
    )
    parsed = (
        f"SELECT line{extras}{twins}, json_transform(doc, '{_structure(top)}') AS s "
        f"FROM {source} WHERE left(doc, 1) = '{{' AND json_valid(doc) AND NOT ({LENIENT})"
    )
    context = (
        "CASE WHEN left(s.AppAccessContext, 1) = '{' THEN json_transform(s.AppAccessContext, "
        f"'{_structure(_CONTEXT, '$.AppAccessContext.')}') END AS c"
    )
    unpacked = f"SELECT *, {context} FROM ({parsed})"

    def json_of(alias: str) -> str:
        if alias in _CASED_TWINS:
            return f"x_{alias}"
        if alias in _CONTEXT:
            return f"c.{dict(FIELDS)[alias].rsplit('.', 1)[1]}"
        return f's."{dict(FIELDS)[alias][2:]}"'

    lists = "".join(f", ms_nv(s.{a}) AS nv_{a}" for a in NAME_VALUE_FIELDS)
    textual = " AND ".join(f"ms_textual({json_of(a)})" for a in TEXT_FIELDS if a not in fills)
    singles = "".join(f", {json_of(a)} AS j_{a}" for a, _ in FIELDS if a not in fills)
    texts = "".join(f", ms_str({json_of(a)}) AS e_{a}" for a in TEXT_FIELDS if a not in fills)
    filled = "".join(
        f", {_filled(alias, names, json_of(alias))} AS fill_{alias}"
        for alias, names in fills.items()
    )
    return f"SELECT line{singles}{texts}{filled}{lists}, {textual} AS textual_ok FROM ({unpacked})"


def _filled(alias: str, columns: tuple[str, ...], value: str) -> str:
    """A field's JSON text, or the first non-blank of the export's ``columns`` when blank.

    One flat CASE (not one nested per column): macros expand their arguments inline.
    """
    whens = "".join(
        f' WHEN NOT ms_blank("{column}") THEN to_json("{column}")' for column in columns
    )
    return f"CASE WHEN NOT ms_jblank({value}) THEN {value}{whens} ELSE {value} END"


class _Exprs:
    """SQL for the fields of a ``fields_sql`` row: ``j`` JSON text, ``s`` string value."""

    def __init__(self, filled: tuple[str, ...]):
        self.filled = filled

    def j(self, alias: str) -> str:
        return f"fill_{alias}" if alias in self.filled else f"j_{alias}"

    def s(self, alias: str) -> str:
        return f"ms_str({self.j(alias)})"

    def k(self, alias: str) -> str:
        return f"ms_kind({self.j(alias)})"

    def pick(self, *aliases: str) -> str:
        """``text(pick(data, *names))`` on textual fields: the first non-blank, stripped."""
        return f"coalesce({', '.join(self.text(a) for a in aliases)})"

    def first_json(self, *aliases: str) -> str:
        whens = " ".join(f"WHEN NOT ms_jblank({self.j(a)}) THEN {self.j(a)}" for a in aliases)
        return f"CASE {whens} END"

    def text(self, alias: str) -> str:
        """``text()`` of a textual field: the stripped value of the ``t`` stage, or NULL
        when blank (macros expand every argument inline, so stripping once saves work)."""
        return f"ms_text_of(t_{alias})"

    def stripped(self, alias: str) -> str:
        """The stripped string value, computed once per record in the ``t`` stage."""
        if alias in self.filled:
            return f"ms_strip({self.s(alias)})"
        return f"ms_strip(e_{alias})"


def rows_sql(fields: str, filled: tuple[str, ...], require_plain: bool) -> str:
    """Per record: ``fast``, the ``audit_events`` values (raw apart) and what mail_access needs."""
    e = _Exprs(filled)
    gate = " AND ".join(
        [
            f"regexp_full_match({e.s('Id')}, '{GUID}')",
            f"{e.s('Operation')} <> '' AND ms_ascii({e.s('Operation')})",
            "textual_ok",
            *(f"{e.k(a)} IN ('n', 's')" for a in filled if a in TEXT_FIELDS),
            *(f"ms_int_ok({e.j(a)}, 9)" for a in INT_FIELDS),
            *(f"nv_{a} IS NOT NULL" for a in NAME_VALUE_FIELDS),
            f"ms_kind({e.j('Context')}) IN ('n', 'o')",
            f"(ms_kind({e.j('Context')}) = 'n' OR len(json_keys({e.j('Context')})) = "
            f"len(list_distinct(json_keys({e.j('Context')}))))",
            "ms_time_ok(time_src)",
            # A time SQL cannot read (2023-02-30) goes to Python, which quarantines it.
            "(time_src IS NULL OR ms_time(time_src) IS NOT NULL)",
            f"ms_time_ok({e.text('CtxIssuedAtTime')})",
            "ms_ip_ok(ip_src)",
            f"coalesce(ms_ascii({e.s('UserId')}), true)",
            f"coalesce(ms_ascii({e.s('MailboxOwnerUPN')}), true)",
            "ms_textual(dev_session) AND ms_textual(ext_agent)",
            "(NOT is_mia OR mia_ok)",
            *([f"{e.j('AuditData')} IS NULL"] if require_plain else []),
        ]
    )
    folders, item = e.j("Folders"), e.j("Item")
    stripped = ", ".join(f"{e.stripped(a)} AS t_{a}" for a in TEXT_FIELDS)
    return f"""
WITH t AS (SELECT *, {stripped} FROM {fields}),
a AS (SELECT *,
        {e.pick("CreationTime", "CreationDate")} AS time_src,
        {e.pick(*IP_FIELDS)} AS ip_src,
        ms_nv_get(nv_DeviceProperties, 'SessionId') AS dev_session,
        ms_nv_get(nv_ExtendedProperties, 'UserAgent') AS ext_agent,
        ms_nv_get(nv_OperationProperties, 'MailAccessType') AS op_access,
        CASE WHEN ms_nv_has(nv_OperationProperties, 'IsThrottled')
             THEN ms_nv_get(nv_OperationProperties, 'IsThrottled') ELSE {e.j("IsThrottled")} END
            AS j_throttled,
        TRY_CAST(ms_int({e.j("RecordType")}) AS INTEGER) AS record_type,
        {e.text("Operation")} AS operation
      FROM t),
b AS (SELECT *,
        coalesce(record_type = 50, false) OR coalesce(operation = 'MailItemsAccessed', false)
            AS is_mia,
        CASE WHEN ms_kind(op_access) = 's' AND ms_str(op_access) <> ''
             THEN ms_text(ms_str(op_access)) ELSE {e.text("MailAccessType")} END AS access_type
      FROM a),
c AS (SELECT *,
        ms_textual(op_access) AND ms_bool_ok(j_throttled)
            AND coalesce(ms_ascii(access_type), true)
            AND CASE WHEN ms_kind({folders}) = 'a' AND json_array_length({folders}) > 0 THEN true
                     WHEN ms_kind({folders}) IN ('n', 'a') THEN ms_kind({item}) = 'n'
                     ELSE false END AS mia_ok
      FROM b)
SELECT line, coalesce({gate}, false) AS fast,
    lower({e.s("Id")}) || '|' || lower(ms_strip({e.s("Operation")})) AS record_key,
    {e.pick("Id", "id_")} AS id,
    ms_time(time_src) AS time,
    {e.text("Workload")} AS workload,
    record_type,
    operation,
    lower({e.text("UserId")}) AS user_id,
    TRY_CAST(ms_int({e.j("UserType")}) AS INTEGER) AS user_type,
    ms_ip(ip_src) AS client_ip,
    coalesce({e.text("AppId")}, {e.text("ApplicationId")}) AS app_id,
    coalesce({e.text("ClientAppId")}, {e.text("CtxClientAppId")}) AS client_app_id,
    coalesce({e.text("SessionId")}, ms_text(ms_str(dev_session))) AS session_id,
    {e.text("CtxAADSessionId")} AS aad_session_id,
    {e.text("CtxUniqueTokenId")} AS unique_token_id,
    ms_time({e.text("CtxIssuedAtTime")}) AS token_issued_at,
    {e.text("ClientInfoString")} AS client_info,
    coalesce({e.text("UserAgent")}, ms_text(ms_str(ext_agent))) AS user_agent,
    TRY_CAST(ms_int({e.first_json("LogonType", "InternalLogonType")}) AS INTEGER) AS logon_type,
    lower({e.text("MailboxOwnerUPN")}) AS mailbox_upn,
    {e.text("MailboxGuid")} AS mailbox_guid,
    {e.text("ResultStatus")} AS result,
    {e.text("ObjectId")} AS object_id,
    {e.text("OrganizationId")} AS organization_id,
    ms_params(list_concat(nv_Parameters, nv_ExtendedProperties, nv_OperationProperties))
        AS parameters,
    is_mia, access_type,
    ms_bool(j_throttled) AS is_throttled,
    TRY_CAST(ms_int({e.j("OperationCount")}) AS INTEGER) AS operation_count,
    coalesce(ms_lower_ascii(access_type) = 'sync', false) AS sync,
    CASE WHEN is_mia THEN {folders} END AS j_Folders
FROM c"""


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
