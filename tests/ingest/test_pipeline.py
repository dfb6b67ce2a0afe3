"""The ingest pipeline: idempotence, de-duplication, evidence integrity, zips, manifest."""

from __future__ import annotations

import io
import json
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from mailscope.ingest.base import Bad, Item, Parsed, Source
from mailscope.ingest.discover import MAX_RATIO
from mailscope.ingest.manifest import FILE_FIELDS
from mailscope.ingest.pipeline import ingest
from mailscope.ingest.registry import all_readers
from mailscope.model.row import Row

HEADER = (
    "Received,SenderAddress,RecipientAddress,Subject,Status,ToIP,FromIP,Size,"
    "MessageId,MessageTraceId\n"
)


def _trace_csv(path: Path, *ids: int) -> Path:
    """A Get-MessageTrace export with one row per id (same id → same record)."""
    rows = [
        f"2023-06-0{n % 9 + 1}T09:00:00Z,a@x.example,r{n}@x.example,s{n},Delivered,,1.2.3.4,{n},"
        f"<m{n}@x.example>,trace-{n}\n"
        for n in ids
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


def _count(case: Path, table: str) -> int:
    with duckdb.connect(str(case / "case.duckdb"), read_only=True) as connection:
        row = connection.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(row[0]) if row else 0


def test_rerun_is_idempotent(tmp_path: Path) -> None:
    evidence = _trace_csv(tmp_path / "ev" / "t.csv", 1, 2, 3)
    first = ingest(tmp_path / "case", [evidence])
    assert [(f.status, f.records, f.parsed) for f in first.files] == [("ingested", 3, 3)]
    second = ingest(tmp_path / "case", [evidence])
    assert [f.status for f in second.files] == ["already in case"]
    assert second.records == 0
    assert _count(tmp_path / "case", "message_trace") == 3
    assert _count(tmp_path / "case", "evidence") == 1


def test_overlapping_exports_deduplicated_across_files(tmp_path: Path) -> None:
    a = _trace_csv(tmp_path / "ev" / "a.csv", 1, 2, 3)
    b = _trace_csv(tmp_path / "ev" / "b.csv", 3, 4, 1, 5)
    run = ingest(tmp_path / "case", [tmp_path / "ev"])
    assert [(Path(f.path).name, f.records, f.parsed, f.duplicates) for f in run.files] == [
        (a.name, 3, 3, 0),
        (b.name, 4, 2, 2),
    ]
    assert _count(tmp_path / "case", "message_trace") == 5


def test_evidence_never_modified_and_opened_read_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "ev"
    files = [_trace_csv(folder / "t.csv", 1), folder / "x.zip", folder / "odd.bin"]
    with zipfile.ZipFile(files[1], "w") as archive:
        archive.writestr("inner.csv", HEADER + "2023-06-01T00:00:00Z,a@x,b@x,s,D,,,1,<m@x>,t\n")
    files[2].write_bytes(b"\x00\x01 not evidence")
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files}
    modes: list[str] = []
    real_open = io.open

    def recording_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if isinstance(file, (str, os.PathLike)) and str(folder) in str(file):
            modes.append(mode)
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(io, "open", recording_open)
    run = ingest(tmp_path / "case", [folder])
    assert len(run.files) == 3
    assert modes and set(modes) <= {"r", "rb"}
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files} == before


def test_folders_walked_in_sorted_order(tmp_path: Path) -> None:
    root = tmp_path / "ev"
    for relative in ("b/2.csv", "a/z.csv", "a/b.csv", "c.csv", "a/sub/1.csv"):
        _trace_csv(root / relative, len(relative))
    names = [
        Path(f.path).relative_to(root).as_posix() for f in ingest(tmp_path / "c", [root]).files
    ]
    assert names == ["c.csv", "a/b.csv", "a/z.csv", "a/sub/1.csv", "b/2.csv"]


def test_zip_read_in_place_with_refusals(tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    good = HEADER + "2023-06-01T00:00:00Z,a@x,b@x,s,D,,,1,<m@x>,t\n"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("logs/trace.csv", good)
        out.writestr("../../escape.csv", good)
        out.writestr("/abs/escape.csv", good)
        out.writestr("bomb.csv", b"0" * (11 * 1024 * 1024))  # ~1000:1, over 10 MiB
        out.writestr("locked.csv", good + "2023-06-02T00:00:00Z,a@x,c@x,s,D,,,1,<n@x>,u\n")
    _mark_encrypted(archive, "locked.csv")
    run = ingest(tmp_path / "case", [archive])
    outcome = {f.path.split("!", 1)[1]: (f.status, f.note) for f in run.files}
    assert outcome["logs/trace.csv"][0] == "ingested"
    assert "path traversal" in outcome["../../escape.csv"][1]
    assert "path traversal" in outcome["/abs/escape.csv"][1]
    assert f"ratio above {MAX_RATIO}" in outcome["bomb.csv"][1]
    assert "encrypted" in outcome["locked.csv"][1]
    assert run.quarantined == 4
    assert _count(tmp_path / "case", "quarantine") == 4
    assert _count(tmp_path / "case", "message_trace") == 1
    assert not (tmp_path / "escape.csv").exists() and not (tmp_path / "logs").exists()


def _mark_encrypted(archive: Path, member: str) -> None:
    """Set the 'encrypted' flag bit of a member in its local and central headers (APPNOTE 4.4.4).

    The stdlib cannot write encrypted members; the flag is all the refusal looks at.
    """
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as zipped:
        offset = zipped.getinfo(member).header_offset
    data[offset + 6] |= 0x1
    central = data.index(b"PK\x01\x02")
    while data[central + 46 : central + 46 + len(member)] != member.encode():
        central = data.index(b"PK\x01\x02", central + 4)
    data[central + 8] |= 0x1
    archive.write_bytes(bytes(data))


def test_unrecognised_file_is_recorded(tmp_path: Path) -> None:
    odd = tmp_path / "notes.txt"
    odd.write_text("just an analyst's note\n", encoding="utf-8")
    [result] = ingest(tmp_path / "case", [odd]).files
    assert (result.status, result.records, result.quarantined) == ("unrecognised", 1, 1)
    with duckdb.connect(str(tmp_path / "case" / "case.duckdb"), read_only=True) as connection:
        [(path, reason, raw)] = connection.execute(
            "SELECT source_path, reason, raw FROM quarantine"
        ).fetchall()
    assert path == str(odd) and "unrecognised" in reason and "analyst" in raw


def test_manifest_entries_are_deterministic(tmp_path: Path) -> None:
    evidence = tmp_path / "ev"
    _trace_csv(evidence / "a.csv", 1, 2)
    _trace_csv(evidence / "b.csv", 2, 3)
    (evidence / "c.bin").write_bytes(b"\x00junk")
    ingest(tmp_path / "case1", [evidence])
    ingest(tmp_path / "case2", [evidence])
    documents = [
        json.loads((tmp_path / c / "manifest.json").read_text()) for c in ("case1", "case2")
    ]
    files = documents[0]["files"]
    assert len(files) == 3
    assert all(list(entry) == list(FILE_FIELDS) for entry in files)
    assert files == documents[1]["files"]
    assert [(e["format"], e["records"], e["duplicates"]) for e in files] == [
        ("exchange_message_trace_csv", 2, 0),
        ("exchange_message_trace_csv", 2, 1),
        ("unrecognised", 1, 0),
    ]
    assert files[0]["sha256"] != files[1]["sha256"] and len(files[0]["sha256"]) == 64


class _CrashingReader:
    """Yields two records, then a bad one, then fails: nothing read before may be lost."""

    name = "crashing_test_format"

    def sniff(self, head: bytes, filename: str) -> bool:
        return head.startswith(b"CRASH")

    def read(self, source: Source) -> Iterator[Item]:
        for line in (1, 2):
            yield Parsed(line, (Row("message_trace", {"record_key": f"{source.sha256}-{line}"}),))
        yield Bad(3, "bad record", "raw")
        raise RuntimeError("reader bug")


def test_reader_crash_keeps_what_was_read_and_run_continues(tmp_path: Path) -> None:
    (tmp_path / "ev").mkdir()
    (tmp_path / "ev" / "a.crash").write_bytes(b"CRASH one")
    _trace_csv(tmp_path / "ev" / "b.csv", 7)
    readers = (_CrashingReader(), *all_readers())
    run = ingest(tmp_path / "case", [tmp_path / "ev"], readers=readers)
    crashed, after = run.files
    assert (crashed.records, crashed.parsed, crashed.quarantined) == (4, 2, 2)
    assert (after.status, after.parsed) == ("ingested", 1)
    assert _count(tmp_path / "case", "message_trace") == 3
    with duckdb.connect(str(tmp_path / "case" / "case.duckdb"), read_only=True) as connection:
        rows = connection.execute("SELECT reason FROM quarantine ORDER BY 1").fetchall()
    reasons = [str(row[0]) for row in rows]
    assert reasons[0] == "bad record" and "reader bug" in reasons[1]
