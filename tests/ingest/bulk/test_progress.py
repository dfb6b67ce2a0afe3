"""The bulk path's progress ticks follow the work stored: records and bytes once per chunk."""

from __future__ import annotations

import functools
import uuid
from pathlib import Path

import pytest

from mailscope.ingest.bulk import chunks, ual
from mailscope.ingest.pipeline import ingest
from mailscope.ingest.results import Progress
from tests.ingest.bulk.records import mail_access, write_json_lines, write_purview_csv

RECORDS = 250


def _records() -> list[object]:
    return [mail_access(str(uuid.UUID(int=n + 1))) for n in range(RECORDS)]


def _ticks(case: Path, path: Path) -> list[Progress]:
    seen: list[Progress] = []
    run = ingest(case, [path], bulk=True, on_progress=seen.append)
    assert run.files[0].records == RECORDS and run.quarantined == 0
    return seen


def _assert_truthful(ticks: list[Progress], size: int, per_chunk: int) -> None:
    working = [tick for tick in ticks if not tick.done]
    # One tick per stored chunk, each after its records are in: 100, 200, 250.
    assert [tick.records for tick in working] == [100, 200, 250][: len(working)]
    assert len(working) == -(-RECORDS // per_chunk)
    bytes_seen = [tick.bytes_read for tick in working]
    assert bytes_seen == sorted(bytes_seen) and 0 < bytes_seen[0] < size
    assert all(tick.total_bytes == size for tick in ticks)
    assert ticks[-1].done and ticks[-1].records == RECORDS and ticks[-1].bytes_read == size


def test_csv_ticks_per_chunk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ual, "csv_row_chunks", functools.partial(chunks.csv_row_chunks, size=100))
    path = write_purview_csv(tmp_path / "audit.csv", _records())
    _assert_truthful(_ticks(tmp_path / "case", path), path.stat().st_size, 100)


def test_json_lines_tick_per_block(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_json_lines(tmp_path / "audit.jsonl", _records())
    line = len(path.read_bytes()) // RECORDS  # records are about the same length
    blocks = functools.partial(chunks.json_line_chunks, block=line * 100 + line // 2)
    monkeypatch.setattr(ual, "json_line_chunks", blocks)
    _assert_truthful(_ticks(tmp_path / "case", path), path.stat().st_size, 100)
