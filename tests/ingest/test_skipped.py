"""Skipped records: recognised as data mailscope does not analyse, counted per file and
reason in the evidence table, the manifest and the CLI, never stored as rows."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from mailscope.cli import main
from mailscope.ingest.base import Bad, Item, Parsed, Skipped, Source
from mailscope.ingest.bulk import ual as bulk_ual
from mailscope.ingest.bulk.loader import BulkCounts
from mailscope.ingest.manifest import manifest
from mailscope.ingest.pipeline import ingest
from mailscope.ingest.readers.ual import management_json
from mailscope.model.row import Row
from mailscope.store.case import open_case
from mailscope.store.empty_evidence import NO_MAIL_ACCESS, empty_evidence
from tests.ingest.bulk.records import odd_records, write_json_lines
from tests.ingest.ual.casefile import assert_balanced
from tests.terminal import plain

runner = CliRunner()
TELEMETRY = "Test DeviceEvents (endpoint telemetry)"
ALERTS = "Test AlertInfo (alerts)"


class _MixedReader:
    """Two stored records, one bad, three skipped for two reasons."""

    name = "mixed_test_format"

    def sniff(self, head: bytes, filename: str) -> bool:
        return head.startswith(b"MIXED")

    def read(self, source: Source) -> Iterator[Item]:
        for line in (1, 2):
            yield Parsed(line, (Row("message_trace", {"record_key": f"{source.sha256}-{line}"}),))
        yield Bad(3, "bad record", "raw")
        yield Skipped(4, TELEMETRY)
        yield Skipped(5, ALERTS)
        yield Skipped(6, TELEMETRY)


def _mixed(tmp_path: Path) -> Path:
    path = tmp_path / "ev" / "mixed.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"MIXED records")
    return path


def test_skipped_records_are_counted_by_reason_and_not_stored(tmp_path: Path) -> None:
    [result] = ingest(tmp_path / "case", [_mixed(tmp_path)], readers=(_MixedReader(),)).files
    assert (result.records, result.parsed, result.quarantined, result.skipped) == (6, 2, 1, 3)
    assert result.skipped_reasons == {TELEMETRY: 2, ALERTS: 1}
    assert_balanced(result)
    store = open_case(tmp_path / "case", read_only=True)
    try:
        assert store.execute("SELECT count(*) FROM message_trace").fetchone() == (2,)
        assert store.execute("SELECT count(*) FROM quarantine").fetchone() == (1,)
        assert store.execute("SELECT skipped, skipped_reasons FROM evidence").fetchall() == [
            (3, json.dumps({ALERTS: 1, TELEMETRY: 2}, separators=(",", ":")))
        ]
    finally:
        store.close()
    [entry] = json.loads((tmp_path / "case" / "manifest.json").read_text())["files"]
    assert (entry["records"], entry["quarantined"], entry["skipped"]) == (6, 1, 3)
    assert entry["skipped_reasons"] == {ALERTS: 1, TELEMETRY: 2}


def test_files_without_skipped_records_say_zero(tmp_path: Path) -> None:
    path = write_json_lines(tmp_path / "a.jsonl", odd_records()[:3])
    [result] = ingest(tmp_path / "case", [path]).files
    assert (result.skipped, result.skipped_reasons) == (0, {})
    [entry] = json.loads((tmp_path / "case" / "manifest.json").read_text())["files"]
    assert (entry["skipped"], entry["skipped_reasons"]) == (0, {})


def test_bulk_path_counts_skipped_records_apart_from_quarantine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Records the SQL leaves to the Python mapper may come back skipped: counted, not bad."""
    path = write_json_lines(tmp_path / "odd.jsonl", odd_records())
    plain_run = ingest(tmp_path / "plain", [path], bulk=True).files[0]
    original = management_json.ManagementJsonReader._item

    def skip_us_dates(self: object, line: int, record: object, keys: object) -> Item:
        if isinstance(record, dict) and "/" in str(record.get("CreationTime", "")):
            return Skipped(line, "Test: US-dated record")
        return original(self, line, record, keys)  # type: ignore[arg-type]

    monkeypatch.setattr(management_json.ManagementJsonReader, "_item", skip_us_dates)
    loads: list[BulkCounts] = []
    load_json_lines = bulk_ual.load_json_lines

    def counted(*args: object, **options: object) -> object:
        counts = load_json_lines(*args, **options)  # type: ignore[arg-type]
        loads.append(counts)  # type: ignore[arg-type]
        return counts

    monkeypatch.setattr(bulk_ual, "load_json_lines", counted)
    [result] = ingest(tmp_path / "case", [path], bulk=True).files
    assert len(loads) == 1  # the bulk path did the work
    assert result.skipped_reasons == {"Test: US-dated record": result.skipped}
    assert result.skipped >= 1
    assert result.quarantined == plain_run.quarantined
    assert result.parsed + result.duplicates == plain_run.parsed + plain_run.duplicates - (
        result.skipped
    )
    assert_balanced(result)


def _old_case(case: Path) -> None:
    """A case store as mailscope wrote it before skipped counts existed."""
    open_case(case, create=True).close()
    with duckdb.connect(str(case / "case.duckdb")) as connection:
        connection.execute("DROP TABLE evidence")
        connection.execute(
            "CREATE TABLE evidence (sha256 VARCHAR, path VARCHAR, bytes BIGINT, format VARCHAR, "
            "records BIGINT, parsed BIGINT, quarantined BIGINT, duplicates BIGINT, "
            "seconds DOUBLE, container VARCHAR)"
        )
        connection.execute(
            "INSERT INTO evidence VALUES ('ab', 'old.csv', 10, 'fmt', 4, 3, 1, 0, 0.1, NULL)"
        )


def test_case_written_before_skipped_counts_still_opens(tmp_path: Path) -> None:
    case = tmp_path / "case"
    _old_case(case)
    read_only = open_case(case, read_only=True)  # not migrated: the columns are absent
    try:
        files = manifest(read_only)["files"]
        empty = empty_evidence(read_only)
    finally:
        read_only.close()
    assert empty is not None and (empty.kind, empty.unread) == (NO_MAIL_ACCESS, ())
    assert isinstance(files, list) and len(files) == 1
    assert (files[0]["records"], files[0]["skipped"], files[0]["skipped_reasons"]) == (4, 0, {})
    info = runner.invoke(main.app, ["case", "info", "--case", str(case), "--json"])
    assert info.exit_code == 0, info.output
    # Opened for writing, the store gains the columns with their defaults; ingest adds to it.
    [result] = ingest(case, [_mixed(tmp_path)], readers=(_MixedReader(),)).files
    assert result.skipped == 3
    with duckdb.connect(str(case / "case.duckdb"), read_only=True) as connection:
        rows = connection.execute(
            "SELECT path, skipped, skipped_reasons FROM evidence ORDER BY path"
        ).fetchall()
    assert rows[1] == ("old.csv", 0, "{}")
    assert rows[0][1] == 3


def test_ingest_and_case_info_show_skipped_counts_and_reasons(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mailscope.ingest import pipeline

    monkeypatch.setattr(pipeline, "all_readers", lambda: (_MixedReader(),))
    evidence = _mixed(tmp_path)
    case = tmp_path / "case"
    ingested = runner.invoke(main.app, ["ingest", "-q", "--case", str(case), str(evidence)])
    assert ingested.exit_code == 0, ingested.output
    info = runner.invoke(main.app, ["case", "info", "--case", str(case)])
    assert info.exit_code == 0, info.output
    for output in (plain(ingested.output), plain(info.output)):
        assert "skipped" in output
        assert "3 record(s) skipped: recognised, but data mailscope does not analyse" in output
        assert f"skipped {evidence}: {TELEMETRY}: 2" in output
        assert f"skipped {evidence}: {ALERTS}: 1" in output


def test_no_skipped_lines_when_nothing_was_skipped(tmp_path: Path) -> None:
    path = write_json_lines(tmp_path / "a.jsonl", odd_records()[:3])
    result = runner.invoke(main.app, ["ingest", "-q", "--case", str(tmp_path / "c"), str(path)])
    assert result.exit_code == 0, result.output
    assert "record(s) skipped" not in plain(result.output)
