"""Ingest evidence into a fresh case through the real pipeline and query what landed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from mailscope.ingest.pipeline import ingest
from mailscope.ingest.results import FileResult
from mailscope.store.case import open_case

FIXTURES = Path(__file__).parent / "fixtures"


@dataclass
class Ingested:
    """The per-file results of one ingest run and a connection to the case store."""

    files: list[FileResult]
    store: duckdb.DuckDBPyConnection

    def rows(self, sql: str, *params: object) -> list[tuple[object, ...]]:
        return self.store.execute(sql, list(params)).fetchall()

    def scalar(self, sql: str, *params: object) -> object:
        row = self.store.execute(sql, list(params)).fetchone()
        assert row is not None
        return row[0]


def ingest_into(case: Path, *paths: Path) -> Ingested:
    """Run ``ingest`` on ``paths`` into ``case`` and open the store read-only."""
    run = ingest(case, list(paths))
    return Ingested(run.files, open_case(case, read_only=True))


def assert_balanced(result: FileResult) -> None:
    """Every record read was parsed, quarantined, a duplicate or skipped: nothing vanished."""
    assert result.skipped == sum(result.skipped_reasons.values())
    assert result.records == (
        result.parsed + result.quarantined + result.duplicates + result.skipped
    )
