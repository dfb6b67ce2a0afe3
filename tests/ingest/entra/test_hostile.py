"""Hostile input for every Entra reader: random, truncated, mutated, wrongly encoded and
huge. No reader may raise, and every record read must come out parsed or quarantined."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailscope.ingest.base import Bad, Item, Parsed, Reader, Source
from mailscope.ingest.pipeline import ingest
from mailscope.ingest.readers import entra
from mailscope.ingest.registry import sniff
from mailscope.store.case import open_case
from tests.paths import SAMPLES

FIXTURES = Path(__file__).parent / "fixtures"
FAST = settings(max_examples=40, deadline=None)
JSONL_SEEDS = [
    SAMPLES / "entra/eventhub-sekoia.jsonl",
    SAMPLES / "entra/graph-directoryaudits-sekoia.jsonl",
    SAMPLES / "entra/sentinel-signinlogs-msticpy.jsonl",
]
CSV_SEEDS = [
    FIXTURES / "portal-signins-interactive.csv",
    FIXTURES / "sentinel-signinlogs.csv",
    FIXTURES / "users-download.csv",
    FIXTURES / "users-download-legacy.csv",
]
ALL_SEEDS = [*JSONL_SEEDS, *CSV_SEEDS, FIXTURES / "eventhub-records-batch.json"]
# Bytes that cannot change CSV structure when put inside a cell.
SAFE_CELL_BYTES = st.binary(max_size=40).map(
    lambda b: bytes(c for c in b if c not in b'",\r\n') or b"x"
)


def _source(data: bytes, name: str = "evidence") -> Source:
    return Source(
        name,
        (name,),
        len(data),
        hashlib.sha256(data).hexdigest(),
        data[: 64 * 1024],
        lambda: io.BytesIO(data),
    )


def _read_all(data: bytes) -> dict[str, list[Item]]:
    """Every Entra reader's items for ``data`` (each must finish without raising)."""
    out = {}
    for reader in entra.READERS:
        items = list(reader.read(_source(data)))
        for item in items:
            assert isinstance(item, (Parsed, Bad))
            if isinstance(item, Parsed):
                key = item.rows[0].values["record_key"]
                assert isinstance(key, str) and key
        out[reader.name] = items
    return out


def _owner(seed: Path) -> Reader:
    """The Entra reader that claims the unmutated seed file."""
    found = sniff(seed.read_bytes()[: 64 * 1024], seed.name, entra.READERS)
    assert found is not None
    return found


def _read(reader: Reader, data: bytes) -> list[Item]:
    items = list(reader.read(_source(data)))
    assert all(isinstance(item, (Parsed, Bad)) for item in items)
    return items


def _seed(path: Path, limit: int = 12) -> list[bytes]:
    if not path.exists():
        pytest.skip(f"sample not present: {path}")
    return path.read_bytes().split(b"\n")[:limit]


def _records(lines: list[bytes]) -> int:
    return sum(1 for line in lines if line.strip())


@FAST
@given(st.binary(max_size=3000))
def test_random_bytes(data: bytes) -> None:
    _read_all(data)


@FAST
@given(st.text(max_size=400).map(lambda t: '{"category":"SignInLogs","properties":' + t))
def test_random_text_after_an_entra_prefix(text: str) -> None:
    _read_all(text.encode("utf-8"))


@pytest.mark.parametrize("seed", JSONL_SEEDS, ids=lambda p: p.name)
@FAST
@given(
    index=st.integers(min_value=1, max_value=11),
    cut=st.integers(min_value=0, max_value=5000),
    junk=st.binary(max_size=60).map(lambda b: b.replace(b"\n", b"")),
)
def test_mutated_json_line_costs_only_that_record(
    seed: Path, index: int, cut: int, junk: bytes
) -> None:
    lines = _seed(seed)
    index %= len(lines)
    index = max(index, 1)  # the first line decides JSON lines vs document: keep it whole
    line = lines[index]
    lines[index] = line[: cut % (len(line) + 1)] + junk + line[cut % (len(line) + 1) :]
    data = b"\n".join(lines)
    _read_all(data)
    assert len(_read(_owner(seed), data)) == _records(lines)


@pytest.mark.parametrize("seed", ALL_SEEDS, ids=lambda p: p.name)
@FAST
@given(cut=st.integers(min_value=1, max_value=200_000))
def test_truncated_file(seed: Path, cut: int) -> None:
    if not seed.exists():
        pytest.skip(f"sample not present: {seed}")
    data = seed.read_bytes()[:cut]
    _read_all(data)
    items = _read(_owner(seed), data)
    if seed.suffix == ".jsonl" and data.strip():
        assert items  # the first line is read or quarantined, at least


@pytest.mark.parametrize("seed", CSV_SEEDS, ids=lambda p: p.name)
@FAST
@given(row=st.integers(min_value=1, max_value=10), at=st.integers(0, 4000), junk=SAFE_CELL_BYTES)
def test_mutated_csv_cell_costs_at_most_that_row(
    seed: Path, row: int, at: int, junk: bytes
) -> None:
    lines = seed.read_bytes().split(b"\r\n")
    rows = _records(lines[1:])
    row = 1 + row % rows
    position = at % (len(lines[row]) + 1)
    lines[row] = lines[row][:position] + junk + lines[row][position:]
    data = b"\r\n".join(lines)
    _read_all(data)
    assert len(_read(_owner(seed), data)) == rows


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252", "utf-16-le", "utf-16-be", "utf-32"])
def test_wrong_encodings(encoding: str) -> None:
    for seed in ALL_SEEDS:
        if not seed.exists():
            continue
        text = seed.read_text("utf-8-sig").replace("Avery", "Ävéry").replace("user1", "usér1")
        _read_all(text.encode(encoding, errors="replace"))


def test_latin1_bytes_in_a_json_line_are_replaced_not_fatal() -> None:
    line = {"id": "x1", "createdDateTime": "2023-06-15T04:12:33Z", "appId": "a"}
    data = json.dumps(line).replace('"a"}', '"a", "userPrincipalName": "r\xe9my@x"}')
    [item] = entra.READERS[2].read(_source(data.encode("latin-1")))
    assert isinstance(item, Parsed)
    assert item.rows[0].values["upn"] == "r\ufffdmy@x"


def test_huge_field_is_kept_whole() -> None:
    agent = "A" * (8 * 1024 * 1024)
    line = {"id": "x1", "createdDateTime": "2023-06-15T04:12:33Z", "appId": "a", "userAgent": agent}
    [item] = entra.READERS[2].read(_source(json.dumps(line).encode() + b"\n"))
    assert isinstance(item, Parsed)
    assert item.rows[0].values["user_agent"] == agent


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cut=st.integers(min_value=1, max_value=80_000), junk=st.binary(max_size=200))
def test_pipeline_balances_every_file(
    tmp_path_factory: pytest.TempPathFactory, cut: int, junk: bytes
) -> None:
    """Through the real pipeline: records = parsed + quarantined + duplicates, no reader crash."""
    folder = tmp_path_factory.mktemp("hostile")
    for seed in ALL_SEEDS:
        if seed.exists():
            data = seed.read_bytes()
            (folder / seed.name).write_bytes(data[: cut // 2] + junk + data[cut // 2 : cut])
    run = ingest(folder / "case", [folder], readers=entra.READERS)
    for result in run.files:
        assert result.records == result.parsed + result.quarantined + result.duplicates
    store = open_case(folder / "case", read_only=True)
    try:
        reasons = [r[0] for r in store.execute("SELECT reason FROM quarantine").fetchall()]
    finally:
        store.close()
    assert not [r for r in reasons if "failed:" in r]
