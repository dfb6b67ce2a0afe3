"""Hostile input for every UAL reader: truncated, mutated, re-encoded, huge and random files.

Whatever the bytes, no reader crashes and every record read is parsed, quarantined or
skipped (checked on ``reader.read`` for speed, and through ``ingest`` for the counts'
balance).
"""

from __future__ import annotations

import io
from functools import partial
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailscope.ingest.base import Bad, Parsed, Skipped, Source
from mailscope.ingest.pipeline import ingest
from mailscope.ingest.readers import ual
from tests.ingest.ual.casefile import FIXTURES, assert_balanced
from tests.paths import SAMPLES

SEEDS = [
    FIXTURES / "management-mailitemsaccessed-sync-throttled.jsonl",
    FIXTURES / "graph-auditlog-records.json",
    FIXTURES / "search-unifiedauditlog-classic.csv",
    SAMPLES / "ual/sentinel-officeactivity-otrf.json",
    SAMPLES / "defender/m365d-advanced-hunting-otrf.jsonl",
    FIXTURES / "defender-streaming-eventhub.json",
]
SETTINGS = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _seed(path: Path) -> bytes:
    if not path.exists():
        pytest.skip(f"sample not present: {path}")
    head = path.read_bytes()
    return head[:20_000]


def _ingest_bytes(tmp_path: Path, name: str, data: bytes, counter: list[int]) -> None:
    counter[0] += 1
    folder = tmp_path / f"run{counter[0]}"
    folder.mkdir()
    evidence = folder / name
    evidence.write_bytes(data)
    run = ingest(folder / "case", [evidence], readers=ual.READERS)
    for result in run.files:
        assert_balanced(result)
        assert "failed" not in result.note


def _read_all(name: str, data: bytes) -> None:
    """Every UAL reader on the bytes: sniffed or not, none may raise."""
    opener = partial(io.BytesIO, data)
    source = Source(name, (name,), len(data), "0" * 64, data[: 64 * 1024], opener)  # type: ignore[arg-type]
    for reader in ual.READERS:
        for item in reader.read(source):
            assert isinstance(item, (Parsed, Bad, Skipped))
            assert item.line >= 0


def _mutate(data: bytes, cut: int, position: int, junk: bytes) -> bytes:
    at = position % max(len(data), 1)
    return (data[:at] + junk + data[at:])[: max(cut, 1)]


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name)
@SETTINGS
@given(
    cut=st.integers(min_value=1, max_value=20_000),
    position=st.integers(min_value=0, max_value=20_000),
    junk=st.binary(max_size=40),
)
def test_truncated_and_mutated(seed: Path, cut: int, position: int, junk: bytes) -> None:
    _read_all(seed.name, _mutate(_seed(seed), cut, position, junk))


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name)
@pytest.mark.parametrize("encoding", ["latin-1", "utf-16", "utf-8-sig"])
def test_wrongly_encoded(tmp_path: Path, seed: Path, encoding: str) -> None:
    text = _seed(seed).decode("utf-8", errors="replace").replace("Moreau", "Mörëau")
    data = text.encode(encoding, errors="replace")
    _ingest_bytes(tmp_path, seed.name, data, _COUNTER)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name)
def test_huge_field(tmp_path: Path, seed: Path) -> None:
    data = _seed(seed).replace(b"Client=", b"Client=" + b"A" * 2_000_000, 1)
    _ingest_bytes(tmp_path, seed.name, data, _COUNTER)


@SETTINGS
@given(
    prefix=st.sampled_from(
        [b"", b"[", b'{"value": [', b"RecordId,CreationDate,Operation,AuditData\n"]
    ),
    body=st.binary(max_size=2_000),
)
def test_random_bytes(prefix: bytes, body: bytes) -> None:
    _read_all("random.json", prefix + body)


@SETTINGS
@given(
    records=st.lists(
        st.dictionaries(
            st.sampled_from(
                [
                    "Id",
                    "Operation",
                    "CreationTime",
                    "RecordType",
                    "Folders",
                    "OperationProperties",
                    "ClientIP",
                    "AppAccessContext",
                    "Parameters",
                    "UserType",
                    "Workload",
                ]
            ),
            st.recursive(
                st.none()
                | st.booleans()
                | st.integers(-(2**63), 2**63 - 1)
                | st.floats()
                | st.text(max_size=30),
                lambda inner: (
                    st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(max_size=8), inner, max_size=3)
                ),
                max_leaves=8,
            ),
        ),
        max_size=8,
    )
)
def test_random_records(records: list[dict[str, object]]) -> None:
    import orjson

    lines = b"\n".join(orjson.dumps({"Workload": "Exchange", **r}) for r in records)
    _read_all("records.jsonl", lines)


_COUNTER = [0]
