"""A bulk load caps DuckDB's memory at the user's MAILSCOPE_MEMORY_LIMIT, else its default."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailscope.ingest.bulk.loader import MEMORY_LIMIT, BulkCounts, BulkLoader
from mailscope.ingest.pipeline import ingest
from tests.ingest.bulk.records import GUIDS, mail_access, write_json_lines

MIB = 2**20


def _limits_during_load(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    load = BulkLoader.load

    def spy(self: BulkLoader, chunks: object) -> BulkCounts:
        row = self.connection.execute("SELECT current_setting('memory_limit')").fetchone()
        seen.append(str(row[0]) if row else "")
        return load(self, chunks)  # type: ignore[arg-type]

    monkeypatch.setattr(BulkLoader, "load", spy)
    return seen


def _mib(setting: str) -> float:
    number, unit = setting.split()
    return float(number) * {"MiB": 1, "GiB": 1024}[unit]


@pytest.mark.parametrize(("env", "expected_mib"), [(None, None), ("900MB", 900e6 / MIB)])
def test_bulk_memory_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: str | None, expected_mib: float | None
) -> None:
    if env is None:
        monkeypatch.delenv("MAILSCOPE_MEMORY_LIMIT", raising=False)
        expected_mib = float(MEMORY_LIMIT.removesuffix("MB")) * 1e6 / MIB
    else:
        monkeypatch.setenv("MAILSCOPE_MEMORY_LIMIT", env)
    seen = _limits_during_load(monkeypatch)
    path = write_json_lines(tmp_path / "a.jsonl", [mail_access(g) for g in GUIDS[:3]])
    run = ingest(tmp_path / "case", [path], bulk=True)
    assert run.files[0].parsed == 3
    assert len(seen) == 1
    assert _mib(seen[0]) == pytest.approx(expected_mib, rel=0.01)
