"""Ingest the same files through the bulk path and the record-by-record path, then compare."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson
import pytest

from mailscope.ingest.base import Item, Reader, Source
from mailscope.ingest.bulk.loader import BulkLoader
from mailscope.ingest.pipeline import ingest
from mailscope.ingest.registry import all_readers
from mailscope.ingest.results import FileResult
from mailscope.store.case import open_case

JSON_COLUMNS = ("parameters", "raw")


@dataclass(frozen=True)
class RecordByRecord:
    """A reader without its bulk path: the pipeline reads it record by record."""

    inner: Reader

    @property
    def name(self) -> str:
        return self.inner.name

    def sniff(self, head: bytes, filename: str) -> bool:
        return self.inner.sniff(head, filename)

    def read(self, source: Source) -> Iterator[Item]:
        return self.inner.read(source)


def python_readers() -> tuple[Reader, ...]:
    return tuple(RecordByRecord(reader) for reader in all_readers())


@dataclass
class Outcome:
    files: list[tuple[object, ...]]
    tables: dict[str, list[tuple[object, ...]]]


def _counts(result: FileResult) -> tuple[object, ...]:
    return (
        result.path,
        result.format,
        result.records,
        result.parsed,
        result.quarantined,
        result.duplicates,
    )


def run(case: Path, paths: list[Path], *, bulk: bool) -> Outcome:
    """Ingest ``paths`` into ``case`` and read back every evidence row, sorted."""
    run = ingest(case, paths, readers=None if bulk else python_readers(), bulk=bulk)
    store = open_case(case, read_only=True)
    try:
        tables = {}
        for table in ("audit_events", "mail_access", "quarantine"):
            cursor = store.execute(f"SELECT * FROM {table}")
            names = [d[0] for d in cursor.description]
            rows = [_comparable(names, row) for row in cursor.fetchall()]
            tables[table] = sorted(rows, key=repr)
    finally:
        store.close()
    return Outcome([_counts(f) for f in run.files], tables)


def _comparable(names: list[str], row: tuple[object, ...]) -> tuple[object, ...]:
    out: list[object] = []
    for name, value in zip(names, row, strict=True):
        if name in JSON_COLUMNS and isinstance(value, str):
            with contextlib.suppress(orjson.JSONDecodeError):
                value = ("json", orjson.dumps(orjson.loads(value), option=orjson.OPT_SORT_KEYS))
        out.append(value)
    return tuple(out)


def assert_same(tmp: Path, *paths: Path) -> Outcome:
    """Both paths give the same counts and rows; returns the bulk outcome."""
    fast = run(tmp / "bulk", list(paths), bulk=True)
    slow = run(tmp / "python", list(paths), bulk=False)
    assert fast.files == slow.files
    for table, rows in slow.tables.items():
        assert len(fast.tables[table]) == len(rows), table
        for mine, theirs in zip(fast.tables[table], rows, strict=True):
            assert mine == theirs, table
    return fast


def fast_records(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts of SQL-mapped records per bulk load in this test (proves the SQL path ran)."""
    seen: list[int] = []
    load = BulkLoader.load

    def spy(self: BulkLoader, chunks: object) -> object:
        counts = load(self, chunks)  # type: ignore[arg-type]
        seen.append(counts.fast)
        return counts

    monkeypatch.setattr(BulkLoader, "load", spy)
    return seen
