"""Ingest one collector output file through the real pipeline and describe what happened."""

from __future__ import annotations

from pathlib import Path

from mailscope.ingest.results import FileResult
from tests.ingest.ual.casefile import Ingested, ingest_into

FIXTURES = Path(__file__).parent / "fixtures"
ADELE = "adele.vance@fabrikam.example"


def ingest_file(tmp_path: Path, tool: str, name: str) -> tuple[Ingested, FileResult]:
    """Ingest ``fixtures/<tool>/<name>`` alone; every record must be accounted for."""
    done = ingest_into(tmp_path / "case", FIXTURES / tool / name)
    [result] = done.files
    assert result.records == (
        result.parsed + result.quarantined + result.duplicates + result.skipped
    ), result
    return done, result


def counts(result: FileResult) -> tuple[str, int, int, int, int]:
    """(format, records, stored, quarantined, skipped)."""
    return result.format, result.records, result.parsed, result.quarantined, result.skipped
