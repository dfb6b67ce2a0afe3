"""Which files take the bulk path, and what a bulk failure part-way through leaves behind."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from mailscope.ingest import session
from mailscope.ingest.bulk import loader
from mailscope.ingest.bulk.loader import BulkCounts, BulkLoader
from mailscope.ingest.pipeline import ingest
from mailscope.store.case import open_case
from tests.ingest.bulk.records import GUIDS, mail_access, odd_records, write_json_lines
from tests.ingest.bulk.twin import assert_same, fast_records


@pytest.mark.parametrize(("threshold", "bulk_loads"), [(0, 1), (1 << 40, 0)])
def test_large_files_go_through_the_bulk_path_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, threshold: int, bulk_loads: int
) -> None:
    loads = fast_records(monkeypatch)
    monkeypatch.setattr(session, "BULK_MIN_BYTES", threshold)
    path = write_json_lines(tmp_path / "a.jsonl", [mail_access(g) for g in GUIDS[:4]])
    run = ingest(tmp_path / "case", [path])
    assert len(loads) == bulk_loads
    assert (run.files[0].records, run.files[0].parsed) == (4, 4)


def test_a_failed_bulk_load_leaves_no_rows_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = [mail_access(g) for g in GUIDS[:6]]
    path = write_json_lines(tmp_path / "a.jsonl", records)

    def first_chunk_then_fail(self: BulkLoader, chunks: object) -> BulkCounts:
        for chunk in chunks:  # type: ignore[attr-defined]
            self._load_chunk(chunk)  # committed, as every chunk is
            raise duckdb.IOException("disk full")
        raise AssertionError("no chunk")

    monkeypatch.setattr(BulkLoader, "load", first_chunk_then_fail)
    run = ingest(tmp_path / "case", [path], bulk=True)
    result = run.files[0]
    assert (result.records, result.parsed, result.duplicates) == (6, 6, 0)
    store = open_case(tmp_path / "case", read_only=True)
    try:
        events = store.execute("SELECT count(*), count(DISTINCT record_key) FROM audit_events")
        assert events.fetchone() == (6, 6)
        access = store.execute("SELECT count(*) - count(DISTINCT record_key) FROM mail_access")
        assert access.fetchone() == (0,)
    finally:
        store.close()


def test_records_left_to_python_are_staged_in_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loader, "PYTHON_BATCH", 3)
    path = write_json_lines(tmp_path / "odd.jsonl", odd_records())
    outcome = assert_same(tmp_path, path)
    [(_, _, records, parsed, quarantined, duplicates)] = outcome.files
    assert records == len(odd_records()) and parsed + quarantined + duplicates == records
