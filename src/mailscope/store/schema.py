"""The store's DDL and its table reference, generated from the table contracts
(:mod:`mailscope.model.tables`): a column is declared once, there."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import get_type_hints

from mailscope.model.column_types import Added, Default, Doc, Sql
from mailscope.model.tables import TABLES

SCHEMA_HEADER = "-- mailscope case store, generated from mailscope.model.tables."


@dataclass(frozen=True)
class ColumnSpec:
    """One column as the DDL and the reference show it."""

    name: str
    sql: str
    doc: str
    default: str | None
    added: bool


def columns(table: str) -> tuple[ColumnSpec, ...]:
    """The columns of ``table`` in order, from its contract."""
    specs = []
    for name, hint in get_type_hints(TABLES[table], include_extras=True).items():
        meta = getattr(hint, "__metadata__", ())
        [sql] = [m.type for m in meta if isinstance(m, Sql)]
        docs = [m.text for m in meta if isinstance(m, Doc)]
        defaults = [m.sql for m in meta if isinstance(m, Default)]
        specs.append(
            ColumnSpec(
                name,
                sql,
                docs[0] if docs else "",
                defaults[0] if defaults else None,
                any(isinstance(m, Added) for m in meta),
            )
        )
    return tuple(specs)


@cache
def ddl() -> str:
    """``CREATE TABLE IF NOT EXISTS`` for every table, then ``ALTER … ADD COLUMN IF NOT
    EXISTS`` for the columns older stores lack: safe to run on any store, any number of
    times."""
    statements = [SCHEMA_HEADER]
    for table in TABLES:
        specs = columns(table)
        body = ",\n    ".join(
            f"{c.name} {c.sql}" + (f" DEFAULT {c.default}" if c.default else "") for c in specs
        )
        statements.append(f"CREATE TABLE IF NOT EXISTS {table} (\n    {body}\n);")
        statements.extend(
            f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {c.name} {c.sql} "
            f"DEFAULT {c.default or 'NULL'};"
            for c in specs
            if c.added
        )
    return "\n".join(statements) + "\n"


def reference() -> str:
    """The table reference (``docs/tables.md``): every table, what it holds, its columns."""
    lines = [
        "# Case store tables",
        "",
        "Generated from `src/mailscope/model/tables.py` (the one definition of every table);",
        "`tests/store/test_schema.py` checks this file is current. Columns are nullable unless",
        "their type says PRIMARY KEY.",
        "",
    ]
    for table, row in TABLES.items():
        doc = " ".join((row.__doc__ or "").split())
        lines += [f"## `{table}`", "", doc, "", "| column | type | what |", "|---|---|---|"]
        for c in columns(table):
            sql = c.sql.replace(" USING COMPRESSION zstd", " (zstd)")
            what = c.doc + (" (added in a later version)" if c.added else "")
            lines.append(f"| `{c.name}` | {sql.replace('|', '&#124;')} | {_cell(what)} |")
        lines.append("")
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "&#124;")
