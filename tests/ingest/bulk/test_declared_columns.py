"""The UAL columns are declared once (readers/ual/columns.py) and both engines follow them."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailscope.ingest.bulk.mapping import rows_sql
from mailscope.ingest.readers.ual.columns import (
    AUDIT_COLUMNS,
    MAIL_COLUMNS,
    Column,
    Source,
    field_maps,
)
from mailscope.ingest.readers.ual.mail_access import EVENT_COLUMNS
from mailscope.store.case import open_case
from tests.ingest.bulk.records import GUIDS, mail_access, write_json_lines, write_purview_csv
from tests.ingest.bulk.twin import assert_same, fast_records

# Columns the mappers stamp rather than read from a declared field.
STAMPED_EVENT = {"record_key", "parameters", "source_format", "raw", "source_sha256"}
STAMPED_ACCESS = {"record_key", "event_key", "event_id", "folder_path", "message_id"}
STAMPED_ACCESS |= {"size_bytes", "source_sha256", "source_line"}
# A value of each kind that every source can hold, and what it is stored as.
SAMPLES: dict[str, tuple[object, object]] = {
    "text": ("  Marker-Value ", "Marker-Value"),
    "upn": ("Marker.User@Example.ORG", "marker.user@example.org"),
    "ip": ("198.51.100.77:4431", "198.51.100.77"),
    "time": ("2023-07-04T05:06:07Z", "2023-07-04 05:06:07"),
    "enum": ("7", 7),
    "int": (7, 7),
    "bool": ("True", True),
}


def _store_columns(tmp_path: Path, table: str) -> set[str]:
    store = open_case(tmp_path / "case", create=True)
    try:
        rows = store.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]
        ).fetchall()
    finally:
        store.close()
    return {name for (name,) in rows}


def test_every_stored_column_is_declared_or_stamped(tmp_path: Path) -> None:
    events = _store_columns(tmp_path, "audit_events")
    declared = {column.name for column in AUDIT_COLUMNS}
    assert events == declared | STAMPED_EVENT | {"source_line"}
    access = _store_columns(tmp_path, "mail_access")
    assert access == set(EVENT_COLUMNS) | {c.name for c in MAIL_COLUMNS} | STAMPED_ACCESS


def test_the_sql_selects_every_declared_column() -> None:
    sql = rows_sql("f", (), True)
    for column in (*AUDIT_COLUMNS, *MAIL_COLUMNS):
        assert f" AS {column.name}" in sql or f" {column.name}," in sql, column.name


def _without(record: dict[str, object], column: Column) -> dict[str, object]:
    """``record`` with every source of ``column`` removed."""
    out = dict(record)
    for source in column.sources:
        if source.key is None:
            out.pop(source.field, None)
        elif isinstance(out.get(source.field), list):
            out[source.field] = [e for e in out[source.field] if e.get("Name") != source.key]  # type: ignore[union-attr]
        elif isinstance(out.get(source.field), dict):
            out[source.field] = {
                k: v
                for k, v in out[source.field].items()  # type: ignore[union-attr]
                if k != source.key
            }
    return out


def _with(record: dict[str, object], source: Source, value: object) -> dict[str, object]:
    out = dict(record)
    if source.key is None:
        out[source.field] = value
    elif source.listed:
        entries = list(out.get(source.field) or [])  # type: ignore[call-overload]
        out[source.field] = [*entries, {"Name": source.key, "Value": value}]
    else:
        out[source.field] = {**dict(out.get(source.field) or {}), source.key: value}  # type: ignore[call-overload]
    return out


def _cases(shape: str) -> list[tuple[Column, int, dict[str, object]]]:
    """One record per (column, source): only that source carries the column's value.

    In a CSV export, a field the export fills from its own columns when blank (the time
    from CreationDate) shadows the sources after it: those are not tried there."""
    filled = set(field_maps()["search_columns"]) if shape == "csv" else set()
    cases = []
    guids = iter(GUIDS)
    for column in (*AUDIT_COLUMNS, *MAIL_COLUMNS):
        if column.name in ("id", "operation"):
            continue  # the record key: a record without them is another test's business
        value = SAMPLES[column.kind][0]
        for index, source in enumerate(column.sources):
            if any(earlier.field in filled for earlier in column.sources[:index]):
                continue
            record = _with(_without(mail_access(next(guids)), column), source, value)
            cases.append((column, index, record))
    return cases


@pytest.mark.parametrize("shape", ["jsonl", "csv"])
def test_each_source_fills_its_column_on_both_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shape: str
) -> None:
    cases = _cases(shape)
    records: list[object] = [record for _, _, record in cases]
    write = write_json_lines if shape == "jsonl" else write_purview_csv
    path = write(tmp_path / f"sources.{shape}", records)
    fast = fast_records(monkeypatch)
    outcome = assert_same(tmp_path, path)
    assert fast == [len(cases)]  # every record mapped by the SQL, none left to Python
    store = open_case(tmp_path / "bulk", read_only=True)
    try:
        for column, index, record in cases:
            table = "mail_access" if column in MAIL_COLUMNS else "audit_events"
            key = "event_id" if table == "mail_access" else "id"
            [(stored,)] = store.execute(
                f"SELECT DISTINCT CAST({column.name} AS VARCHAR) FROM {table} WHERE {key} = ?",
                [record["Id"]],
            ).fetchall()
            expected = SAMPLES[column.kind][1]
            assert stored == str(expected).replace("True", "true"), (column.name, index)
    finally:
        store.close()
    assert outcome.files[0][4] == 0  # nothing quarantined


def test_a_field_read_two_ways_is_refused() -> None:
    from mailscope.ingest.readers.ual import columns

    clash = (
        Column("a", "text", (Source("ExtendedProperties", "X"),)),  # an object here …
        Column("b", "text", (Source("ExtendedProperties", "Y", listed=True),)),
    )
    with pytest.raises(ValueError, match="both as an object and as a list"):
        columns._check(clash)
    with pytest.raises(ValueError, match="enum"):
        columns._check((Column("c", "enum", (Source("C"),)),))
