"""The case store is built from the table contracts (``model/tables.py``) and nothing else."""

from __future__ import annotations

from pathlib import Path
from typing import get_type_hints

import duckdb

from mailscope.model.tables import TABLES
from mailscope.store.case import open_case, table_columns
from mailscope.store.schema import columns, ddl, reference

ROOT = Path(__file__).resolve().parents[2]
REGENERATE = (
    'regenerate: python -c "from mailscope.store.schema import reference; '
    "print(reference(), end='')\" > docs/tables.md"
)


def test_the_table_reference_is_current() -> None:
    assert (ROOT / "docs" / "tables.md").read_text("utf-8") == reference(), REGENERATE


def test_a_new_store_has_exactly_the_declared_tables_and_columns(tmp_path: Path) -> None:
    connection = open_case(tmp_path / "case", create=True)
    try:
        stored = {
            name
            for (name,) in connection.execute(
                "SELECT table_name FROM duckdb_tables() WHERE NOT internal"
            ).fetchall()
        }
        assert stored == set(TABLES)
        for table, row in TABLES.items():
            declared = [(c.name, c.sql.split()[0]) for c in columns(table)]
            assert table_columns(connection, table) == declared, table
            assert list(get_type_hints(row)) == [name for name, _ in declared]
    finally:
        connection.close()


def test_the_ddl_is_idempotent_and_migrates_an_older_store() -> None:
    connection = duckdb.connect(":memory:")
    # An evidence table as the first version wrote it: no skipped counts.
    connection.execute(
        "CREATE TABLE evidence (sha256 VARCHAR, path VARCHAR, bytes BIGINT, format VARCHAR, "
        "records BIGINT, parsed BIGINT, quarantined BIGINT, duplicates BIGINT, "
        "seconds DOUBLE, container VARCHAR)"
    )
    connection.execute("INSERT INTO evidence (sha256) VALUES ('old')")
    connection.execute(ddl())
    connection.execute(ddl())
    assert connection.execute("SELECT skipped, skipped_reasons FROM evidence").fetchall() == [
        (0, "{}")
    ]
    added = [c.name for c in columns("evidence_locations") if c.added]
    assert added == ["disk_path", "disk_bytes", "member", "replaced_by"]


def test_raw_records_are_stored_zstd_compressed(tmp_path: Path) -> None:
    connection = duckdb.connect(str(tmp_path / "store.duckdb"))  # memory stores never compress
    connection.execute(ddl())
    connection.execute(
        "INSERT INTO quarantine (reason, raw) SELECT 'r', repeat('{\"a\": ' || i || '}', 40) "
        "FROM range(200000) t(i)"
    )
    connection.execute("CHECKPOINT")
    compression = connection.execute(
        "SELECT DISTINCT compression FROM pragma_storage_info('quarantine') "
        "WHERE column_name = 'raw' AND segment_type = 'VARCHAR'"
    ).fetchall()
    assert compression == [("ZSTD",)]
