"""The bulk SQL of the UAL mapping, compiled from its declarations (``readers/ual/columns.py``).

Three queries per chunk: ``fields_sql`` parses each record once and splits out every field
a declared column reads; ``rows_sql``, run over it as a subquery, decides per record
whether the SQL is exact (``fast``: valid strict JSON, a GUID ``Id``, and for each column
values of the kinds and forms its kind's macros in ``macros.sql`` handle) and computes the
``audit_events`` columns; ``ITEMS_SQL`` flattens the Folders of fast MailItemsAccessed
records into ``mail_access`` rows. Records that are not ``fast`` go through the Python
mapper, which reads the same declarations, so both paths agree row for row.

Each record is parsed once (``json_transform`` into a structure of the fields' JSON texts).
Known gaps: a key repeated within one object is read first-wins by DuckDB but last-wins by
orjson; a number beyond the double range is refused by orjson but read by DuckDB.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from mailscope.ingest.normalise import _WELL_KNOWN
from mailscope.ingest.readers.ual.columns import (
    AUDIT_COLUMNS,
    FLATTENED,
    MAIL_COLUMNS,
    NUMERIC,
    PARAMETER_LISTS,
    TEXTUAL,
    Column,
    Source,
)

# Characters Python's str.strip() removes (str.isspace), for DuckDB's trim(s, chars).
PY_WHITESPACE = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())
COLUMNS = (*AUDIT_COLUMNS, *MAIL_COLUMNS)
_SOURCES = tuple(source for column in COLUMNS for source in column.sources)


def _alias(source: Source) -> str:
    """The SQL name of a field read on its own (``id`` is ``id_``: DuckDB names ignore case)."""
    if source.key is not None:
        return f"{source.field}_{source.key}"
    return source.field + "_" * _TWINS.get(source.field, 0)


def _twins() -> dict[str, int]:
    """Top-level fields spelt like an earlier one but for case, with their rank among them."""
    seen: dict[str, int] = {}
    twins: dict[str, int] = {}
    for name in dict.fromkeys(s.field for s in _SOURCES if s.key is None):
        rank = seen.get(name.lower(), -1) + 1
        seen[name.lower()] = rank
        if rank:
            twins[name] = rank
    return twins


_TWINS = _twins()
# Nested objects read by key, and name-value lists (the parameter lists among them).
OBJECTS = tuple(dict.fromkeys(s.field for s in _SOURCES if s.key is not None and not s.listed))
NAME_VALUE_FIELDS = tuple(
    dict.fromkeys([*(s.field for s in _SOURCES if s.listed), *PARAMETER_LISTS])
)
# (alias, JSON path) of every AuditData field the mapping reads; AuditData: a record whose
# AuditData is itself nested is left to the Python reader of its shape.
FIELDS: tuple[tuple[str, str], ...] = tuple(
    dict.fromkeys(
        [
            *((_alias(s), f"$.{s.field}") for s in _SOURCES if s.key is None),
            *((name, f"$.{name}") for name in (*OBJECTS, *NAME_VALUE_FIELDS, *FLATTENED)),
            *((_alias(s), f"$.{s.field}.{s.key}") for s in _SOURCES if s.key and not s.listed),
            ("AuditData", "$.AuditData"),
        ]
    )
)
# Fields read as text: strings or null only (numbers, objects … go to Python).
TEXT_FIELDS = tuple(
    dict.fromkeys(
        _alias(s) for c in COLUMNS if c.kind in TEXTUAL for s in c.sources if not s.listed
    )
)
GUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
# JSON DuckDB's reader accepts and orjson refuses: those records go to the Python reader,
# which quarantines them. (Comments, bad escapes and raw control characters fail json_valid.)
LENIENT = (
    r"contains(doc, 'NaN') OR contains(doc, 'Infinity') OR regexp_matches(doc, ',[ \t\r\n]*[}\]]')"
)
_NESTED = {_alias(s): s for s in _SOURCES if s.key is not None and not s.listed}


@cache
def macros_sql() -> str:
    """The ``ms_*`` macros, with the whitespace set and the localised folder-root map."""
    text = files("mailscope.ingest.bulk").joinpath("macros.sql").read_text("utf-8")
    roots = ", ".join(
        f"'{name}': '{english}'" for name, english in _WELL_KNOWN.items() if name.isascii()
    )
    return text.replace("{WS}", PY_WHITESPACE).replace("{ROOTS}", f"MAP {{{roots}}}")


def _structure(keys: tuple[str, ...]) -> str:
    """A ``json_transform`` structure reading each of ``keys`` as JSON text."""
    return "{" + ", ".join(f'"{key}": "JSON"' for key in keys) + "}"


def _json_of(alias: str) -> str:
    """The JSON text of a field in the parsed record (``s``, its objects, its twins)."""
    if alias in _NESTED:
        source = _NESTED[alias]
        return f'c_{source.field}."{source.key}"'
    path = dict(FIELDS)[alias]
    if path.count(".") == 1 and path[2:] in _TWINS:
        return f"x_{alias}"
    return f's."{path[2:]}"'


def fields_sql(source: str, fills: dict[str, tuple[str, ...]]) -> str:
    """Per record of ``source`` (``line``, ``doc``, CSV columns): every field in one parse.

    Columns: ``j_<field>`` (the field's JSON text; no row when the document is not one the
    SQL reads exactly), ``e_<field>`` (string values), ``fill_<field>`` (CSV exports fill
    blank fields from their own columns), the decoded name-value lists ``nv_<field>`` (NULL
    when an entry has a shape left to Python) and ``textual_ok`` (text fields hold strings).
    """
    top = tuple(
        path[2:]
        for alias, path in FIELDS
        if alias not in _NESTED and path[2:] not in _TWINS and path.count(".") == 1
    )
    extras = "".join(f', "{name}"' for names in fills.values() for name in names)
    twins = "".join(
        f", CASE WHEN contains(doc, '\"{path[2:]}\"') THEN json_extract(doc, '{path}') END"
        f" AS x_{alias}"
        for alias, path in FIELDS
        if path.count(".") == 1 and path[2:] in _TWINS
    )
    parsed = (
        f"SELECT line{extras}{twins}, json_transform(doc, '{_structure(top)}') AS s "
        f"FROM {source} WHERE left(doc, 1) = '{{' AND json_valid(doc) AND NOT ({LENIENT})"
    )
    objects = ", ".join(
        f"CASE WHEN left(s.{name}, 1) = '{{' THEN json_transform(s.{name}, "
        f"'{_structure(tuple(str(s.key) for s in _NESTED.values() if s.field == name))}') "
        f"END AS c_{name}"
        for name in OBJECTS
    )
    unpacked = f"SELECT *, {objects} FROM ({parsed})" if objects else f"SELECT * FROM ({parsed})"
    lists = "".join(f", ms_nv(s.{a}) AS nv_{a}" for a in NAME_VALUE_FIELDS)
    textual = " AND ".join(f"ms_textual({_json_of(a)})" for a in TEXT_FIELDS if a not in fills)
    singles = "".join(f", {_json_of(a)} AS j_{a}" for a, _ in FIELDS if a not in fills)
    texts = "".join(f", ms_str({_json_of(a)}) AS e_{a}" for a in TEXT_FIELDS if a not in fills)
    filled = "".join(
        f", {_filled(alias, names, _json_of(alias))} AS fill_{alias}"
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
    """SQL for the sources of a ``fields_sql`` row: JSON text, string value, text."""

    def __init__(self, filled: tuple[str, ...]):
        self.filled = filled

    def j(self, alias: str) -> str:
        return f"fill_{alias}" if alias in self.filled else f"j_{alias}"

    def s(self, alias: str) -> str:
        return f"ms_str({self.j(alias)})"

    def json(self, source: Source) -> str:
        """The source's JSON text (a name-value entry's value, or the field's)."""
        return f"v_{_alias(source)}" if source.listed else self.j(_alias(source))

    def string(self, source: Source) -> str:
        """The source's string value, unstripped (NULL when not a string)."""
        return f"ms_str({self.json(source)})" if source.listed else self.s(_alias(source))

    def text(self, source: Source) -> str:
        """``text()`` of a textual source: stripped, NULL when blank. Fields use the ``t``
        stage's stripped value (macros expand every argument inline: strip once)."""
        if source.listed:
            return f"ms_text({self.string(source)})"
        return f"ms_text_of(t_{_alias(source)})"

    def stripped(self, alias: str) -> str:
        """The stripped string value, computed once per record in the ``t`` stage."""
        if alias in self.filled:
            return f"ms_strip({self.s(alias)})"
        return f"ms_strip(e_{alias})"

    def first(self, column: Column) -> str:
        """The column's first non-blank source: its text (textual kinds) or JSON text."""
        if column.kind in TEXTUAL:
            texts = [self.text(source) for source in column.sources]
            return texts[0] if len(texts) == 1 else f"coalesce({', '.join(texts)})"
        values = [self.json(source) for source in column.sources]
        if len(values) == 1:
            return values[0]
        return "CASE " + " ".join(f"WHEN NOT ms_jblank({v}) THEN {v}" for v in values) + " END"

    @staticmethod
    def value(column: Column) -> str:
        """The stored value of ``column``, from its first source ``src_<column>`` (a stage of
        its own: macros expand their arguments inline, once per use)."""
        src = f"src_{column.name}"
        match column.kind:
            case "text":
                return src
            case "upn":
                return f"lower({src})"
            case "ip":
                return f"ms_ip({src})"
            case "time":
                return f"ms_time({src})"
            case "bool":
                return f"ms_bool({src})"
        return f"TRY_CAST(ms_int({src}) AS INTEGER)"

    def exact(self, column: Column) -> list[str]:
        """Conditions under which ``value(column)`` equals the Python mapper's value."""
        sources = column.sources
        if column.kind in NUMERIC:
            return [f"ms_int_ok({self.json(s)}, 9)" for s in sources]
        if column.kind == "bool":
            return [f"ms_bool_ok({self.json(s)})" for s in sources]
        # Field sources are strings or null: textual_ok (or their kind, when filled).
        checks = [f"ms_textual({self.json(s)})" for s in sources if s.listed]
        checks += [f"{self.k(_alias(s))} IN ('n', 's')" for s in sources if self._filled(s)]
        src = f"src_{column.name}"
        match column.kind:
            case "upn":  # lower() only agrees with Python's on ASCII
                checks += [f"coalesce(ms_ascii({self.string(s)}), true)" for s in sources]
            case "ip":
                checks.append(f"ms_ip_ok({src})")
            case "time":
                checks.append(f"ms_time_ok({src})")
                if column.must_parse:  # a time SQL cannot read (2023-02-30): Python refuses it
                    checks.append(f"({src} IS NULL OR ms_time({src}) IS NOT NULL)")
        return checks

    def k(self, alias: str) -> str:
        return f"ms_kind({self.j(alias)})"

    def _filled(self, source: Source) -> bool:
        return not source.listed and _alias(source) in self.filled


def _object_checks(e: _Exprs) -> list[str]:
    """Nested objects read by key: absent or an object with distinct keys."""
    checks = []
    for name in OBJECTS:
        j = e.j(name)
        checks.append(f"ms_kind({j}) IN ('n', 'o')")
        checks.append(
            f"(ms_kind({j}) = 'n' OR len(json_keys({j})) = len(list_distinct(json_keys({j}))))"
        )
    return checks


def rows_sql(fields: str, filled: tuple[str, ...], require_plain: bool) -> str:
    """Per record: ``fast``, the ``audit_events`` values (raw apart) and what mail_access needs."""
    e = _Exprs(filled)
    id_, operation = Source("Id"), Source("Operation")
    gate = " AND ".join(
        [
            f"regexp_full_match({e.string(id_)}, '{GUID}')",  # the record key (keys.py)
            f"{e.string(operation)} <> '' AND ms_ascii({e.string(operation)})",
            "textual_ok",
            *(check for column in COLUMNS for check in e.exact(column)),
            *(f"nv_{a} IS NOT NULL" for a in NAME_VALUE_FIELDS),
            *_object_checks(e),
            "(NOT is_mia OR mia_ok)",
            *([f"{e.j('AuditData')} IS NULL"] if require_plain else []),
        ]
    )
    folders, item = e.j("Folders"), e.j("Item")
    stripped = ", ".join(f"{e.stripped(a)} AS t_{a}" for a in TEXT_FIELDS)
    listed = "".join(
        f", ms_nv_get(nv_{s.field}, '{s.key}') AS v_{_alias(s)}"
        for s in dict.fromkeys(s for s in _SOURCES if s.listed)
    )
    sources = ", ".join(f"{e.first(c)} AS src_{c.name}" for c in COLUMNS)
    values = ", ".join(f"{_Exprs.value(c)} AS {c.name}" for c in COLUMNS)
    parameters = ", ".join(f"nv_{name}" for name in PARAMETER_LISTS)
    return f"""
WITH t AS (SELECT *, {stripped}{listed} FROM {fields}),
a AS (SELECT *, {sources} FROM t),
b AS (SELECT *, {values} FROM a),
c AS (SELECT *,
        coalesce(record_type = 50, false) OR coalesce(operation = 'MailItemsAccessed', false)
            AS is_mia,
        coalesce(ms_lower_ascii(access_type) = 'sync', false) AS sync,
        coalesce(ms_ascii(access_type), true)
            AND CASE WHEN ms_kind({folders}) = 'a' AND json_array_length({folders}) > 0 THEN true
                     WHEN ms_kind({folders}) IN ('n', 'a') THEN ms_kind({item}) = 'n'
                     ELSE false END AS mia_ok
      FROM b)
SELECT line, coalesce({gate}, false) AS fast,
    lower({e.string(id_)}) || '|' || lower(ms_strip({e.string(operation)})) AS record_key,
    {", ".join(c.name for c in COLUMNS)},
    ms_params(list_concat({parameters})) AS parameters,
    is_mia, sync, CASE WHEN is_mia THEN {folders} END AS j_Folders
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
