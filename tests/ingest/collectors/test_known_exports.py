"""The table of known unanalysed exports: well formed, and never in the way of real evidence."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

import pytest

from mailscope.ingest.readers import unanalysed
from mailscope.ingest.registry import all_readers, sniff
from tests.ingest.collectors.casefile import FIXTURES
from tests.paths import SAMPLES

HEAD = 64 * 1024
SIGNATURES = ("csv", "csv_exact", "json")


def _entries() -> list[dict[str, object]]:
    table = json.loads(
        files("mailscope.ingest.readers.unanalysed").joinpath("known_exports.json").read_text()
    )
    entries: list[dict[str, object]] = table["exports"]
    return entries


def test_every_entry_has_one_signature_and_says_what_it_is() -> None:
    for entry in _entries():
        kinds = [kind for kind in SIGNATURES if kind in entry]
        assert len(kinds) == 1, entry
        assert entry[kinds[0]], entry
        assert isinstance(entry["what"], str) and "(" in entry["what"], entry
    assert len(unanalysed.READERS) == len(_entries())


def _evidence() -> list[Path]:
    """Every real sample and every reader fixture under tests/ingest."""
    kinds = (".csv", ".json", ".jsonl")
    found = [p for p in sorted(SAMPLES.rglob("*.*")) if p.suffix.lower() in kinds]
    ingest_tests = FIXTURES.parents[1]
    ours = [p for p in sorted(ingest_tests.rglob("fixtures/**/*")) if p.suffix.lower() in kinds]
    return found + ours


@pytest.mark.parametrize("path", _evidence(), ids=lambda p: p.name)
def test_known_exports_never_claim_data_another_reader_reads(path: Path) -> None:
    with path.open("rb") as stream:
        head = stream.read(HEAD)
    readers = all_readers()
    chosen = sniff(head, path.name, readers)
    others = tuple(r for r in readers if r not in unanalysed.READERS)
    if sniff(head, path.name, others) is not None:
        assert chosen not in unanalysed.READERS, path
