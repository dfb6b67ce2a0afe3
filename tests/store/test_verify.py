"""Evidence verification: `case verify` re-hashes, every stage refuses changed evidence
(exit 8), the same bytes at two paths are one item with two locations."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mailscope.cli import main
from mailscope.errors import EvidenceChangedError
from mailscope.ingest.pipeline import ingest
from tests.store.casedump import mailscope, tables
from tests.store.test_atomic_ingest import trace_csv
from tests.terminal import plain

runner = CliRunner()


def _verify(case: Path, *extra: str) -> tuple[int, str]:
    result = runner.invoke(main.app, ["case", "verify", "--case", str(case), *extra])
    code = result.exception.exit_code if isinstance(result.exception, EvidenceChangedError) else 0
    assert result.exception is None or code == 8, result.output
    return code, plain(result.output)


def _flip_byte_same_size(path: Path) -> None:
    """Change one byte, keeping the size and the modification time (a cheap check misses it)."""
    stat = path.stat()
    data = bytearray(path.read_bytes())
    data[-3] = ord("9") if data[-3] != ord("9") else ord("8")
    path.write_bytes(bytes(data))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


@pytest.fixture
def case(tmp_path: Path) -> Path:
    trace_csv(tmp_path / "ev" / "a.csv", 1, 2, 3)
    trace_csv(tmp_path / "ev" / "b.csv", 4, 5)
    ingest(tmp_path / "case", [tmp_path / "ev"])
    return tmp_path / "case"


def test_untouched_case_verifies(case: Path, tmp_path: Path) -> None:
    code, out = _verify(case)
    assert code == 0
    assert f"ok {tmp_path / 'ev' / 'a.csv'}" in out and f"ok {tmp_path / 'ev' / 'b.csv'}" in out
    assert "all 2 evidence file(s) match" in out
    detect = runner.invoke(main.app, ["detect", "--case", str(case)])
    assert detect.exit_code == 0, detect.output


def test_one_byte_appended_is_reported_and_refused_by_the_next_stage(
    case: Path, tmp_path: Path
) -> None:
    evidence = tmp_path / "ev" / "a.csv"
    with evidence.open("ab") as stream:
        stream.write(b"\n")
    code, out = _verify(case)
    assert code == 8
    assert f"changed {evidence}: size differs" in out
    assert f"ok {tmp_path / 'ev' / 'b.csv'}" in out
    for command in (["detect"], ["scope"], ["report"]):
        result = runner.invoke(main.app, [*command, "--case", str(case)])
        assert isinstance(result.exception, EvidenceChangedError), result.output
        message = str(result.exception)
        assert message.startswith(f"evidence {evidence} changed since it was ingested")
        assert "mailscope case verify" in message and "--accept-changed" in message
    before = tables(case)
    with pytest.raises(EvidenceChangedError):
        ingest(case, [tmp_path / "ev"])
    assert tables(case) == before  # refused before anything was written
    # Through the real entry point: exit code 8, one sentence, no traceback.
    done = mailscope("detect", "--case", str(case))
    assert done.returncode == 8
    assert "Traceback" not in done.stderr
    assert f"evidence {evidence} changed since it was ingested (size" in plain(done.stderr)


def test_same_size_change_is_caught_by_the_hash(case: Path, tmp_path: Path) -> None:
    evidence = tmp_path / "ev" / "a.csv"
    _flip_byte_same_size(evidence)
    code, out = _verify(case)
    assert code == 8
    assert f"changed {evidence}: SHA-256 differs" in out and "same size" in out
    with pytest.raises(EvidenceChangedError, match="SHA-256 differs"):
        ingest(case, [evidence])


def test_accept_changed_adds_new_evidence_and_keeps_the_old(case: Path, tmp_path: Path) -> None:
    evidence = tmp_path / "ev" / "a.csv"
    trace_csv(evidence, 1, 2, 3, 9)
    result = runner.invoke(
        main.app, ["ingest", "-q", "--accept-changed", str(evidence), "--case", str(case)]
    )
    assert result.exit_code == 0, result.output
    document = json.loads((case / "manifest.json").read_text("utf-8"))
    entries = [f for f in document["files"] if f["path"] == str(evidence)]
    assert len(entries) == 2  # the old entry and the new one
    new = next(f for f in entries if f["records"] == 4)
    assert new["duplicates"] == 3  # records 1-3 came from the old evidence item
    replaced = [loc for loc in document["locations"] if "replaced_by" in loc]
    assert [loc["replaced_by"] for loc in replaced] == [new["sha256"]]
    code, out = _verify(case)
    assert code == 0
    assert f"replaced {evidence}: changed after ingest and added again" in out
    assert runner.invoke(main.app, ["detect", "--case", str(case)]).exit_code == 0


def test_touched_file_with_the_same_bytes_is_refreshed_by_ingest(
    case: Path, tmp_path: Path
) -> None:
    evidence = tmp_path / "ev" / "b.csv"
    os.utime(evidence, ns=(1, 1_000_000_000))
    detect = runner.invoke(main.app, ["detect", "--case", str(case)])
    assert isinstance(detect.exception, EvidenceChangedError)
    assert "(mtime differs)" in str(detect.exception)
    assert _verify(case)[0] == 0  # the bytes are the same
    run = ingest(case, [evidence])
    assert [f.status for f in run.files] == ["already in case"]
    assert runner.invoke(main.app, ["detect", "--case", str(case)]).exit_code == 0


def test_missing_file_is_a_warning_for_stages_and_a_failure_for_verify(
    case: Path, tmp_path: Path
) -> None:
    evidence = tmp_path / "ev" / "b.csv"
    evidence.unlink()
    code, out = _verify(case)
    assert code == 8 and f"missing {evidence}" in out
    detect = runner.invoke(main.app, ["detect", "--case", str(case)])
    assert detect.exit_code == 0, detect.output
    assert f"warning: evidence {evidence} is missing" in plain(detect.output)
    assert "this command reads the case, not the files" in plain(detect.output)


def test_copy_under_another_path_is_a_second_location(case: Path, tmp_path: Path) -> None:
    copy = tmp_path / "elsewhere" / "a-copy.csv"
    copy.parent.mkdir()
    copy.write_bytes((tmp_path / "ev" / "a.csv").read_bytes())
    before = tables(case)
    result = runner.invoke(main.app, ["ingest", "-q", str(copy), "--case", str(case)])
    assert result.exit_code == 0, result.output
    out = plain(result.output)
    assert f"{copy}: same content (SHA-256) as {tmp_path / 'ev' / 'a.csv'}" in out
    after = tables(case)
    assert after["evidence"] == before["evidence"]  # not read again: no new entry
    assert after["message_trace"] == before["message_trace"]
    shas = {row[0] for row in after["evidence_locations"] if row[1] == str(copy)}
    assert len(after["evidence_locations"]) == 3 and len(shas) == 1
    info = plain(runner.invoke(main.app, ["case", "info", "--case", str(case)]).output)
    assert f"{copy}: same content (SHA-256) as {tmp_path / 'ev' / 'a.csv'}" in info
    code, out = _verify(case)
    assert code == 0 and f"ok {copy}" in out


def test_different_content_under_a_new_path_is_new_evidence(case: Path, tmp_path: Path) -> None:
    other = trace_csv(tmp_path / "more" / "c.csv", 7)
    run = ingest(case, [other])
    assert [f.status for f in run.files] == ["ingested"]


def test_zip_members_are_verified_one_by_one(tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    a = trace_csv(tmp_path / "src" / "a.csv", 1, 2)
    b = trace_csv(tmp_path / "src" / "b.csv", 3)
    with zipfile.ZipFile(archive, "w") as out:
        out.write(a, "a.csv")
        out.write(b, "b.csv")
    case = tmp_path / "case"
    ingest(case, [archive])
    code, out = _verify(case)
    assert code == 0 and f"ok {archive}!a.csv" in out and f"ok {archive}!b.csv" in out
    trace_csv(b, 4)
    with zipfile.ZipFile(archive, "w") as out:
        out.write(a, "a.csv")
        out.write(b, "b.csv")
    code, out = _verify(case, "--json")
    assert code == 8
    document = json.loads(
        runner.invoke(main.app, ["case", "verify", "--case", str(case), "--json"]).stdout
    )
    states = {f["path"]: f["state"] for f in document["files"]}
    assert states == {f"{archive}!a.csv": "ok", f"{archive}!b.csv": "changed"}
    assert document["ok"] is False and len(document["manifest_sha256"]) == 64
    detect = runner.invoke(main.app, ["detect", "--case", str(case)])
    assert isinstance(detect.exception, EvidenceChangedError)  # the archive's size moved


def test_case_from_before_locations_still_verifies(case: Path, tmp_path: Path) -> None:
    import duckdb

    with duckdb.connect(str(case / "case.duckdb")) as connection:
        connection.execute("DROP TABLE evidence_locations")
    code, out = _verify(case)
    assert code == 0 and f"ok {tmp_path / 'ev' / 'a.csv'}" in out
    assert runner.invoke(main.app, ["detect", "--case", str(case)]).exit_code == 0
    with (tmp_path / "ev" / "a.csv").open("ab") as stream:
        stream.write(b"\n")
    detect = runner.invoke(main.app, ["detect", "--case", str(case)])
    assert isinstance(detect.exception, EvidenceChangedError)  # size still checked
