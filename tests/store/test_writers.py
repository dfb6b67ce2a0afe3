"""One writer at a time, readers alongside, and clear words when the case cannot be written."""

from __future__ import annotations

import os
import resource
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mailscope.cli import main
from mailscope.errors import CaseBusyError
from mailscope.ingest.pipeline import ingest
from mailscope.store.lock import current_writer, writer_lock
from tests.store.casedump import mailscope, snapshot, tables
from tests.store.test_atomic_ingest import trace_csv
from tests.terminal import plain

runner = CliRunner()


@contextmanager
def other_writer(case: Path, command: str = "ingest") -> Iterator[int]:
    """Another process holding the case's writer lock; yields its pid, kills it after."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            with writer_lock(case, command):
                os.write(write, b"x")
                time.sleep(60)
        finally:
            os._exit(0)
    os.close(write)
    assert os.read(read, 1) == b"x"
    os.close(read)
    try:
        yield pid
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)


def test_second_writer_gets_one_sentence_and_exit_7(tmp_path: Path) -> None:
    evidence = trace_csv(tmp_path / "ev" / "t.csv", 1, 2)
    case = tmp_path / "case"
    ingest(case, [evidence])
    with other_writer(case) as pid:
        with pytest.raises(CaseBusyError) as raised:
            ingest(case, [evidence])
        message = str(raised.value)
        assert message.startswith(f"case {case} is being written by `mailscope ingest` (pid {pid},")
        assert message.endswith("wait for it or use another case")
        result = runner.invoke(main.app, ["detect", "--case", str(case)])
        assert isinstance(result.exception, CaseBusyError)
        assert result.exception.exit_code == 7
        # Readers keep working while the writer holds the lock between files.
        info = runner.invoke(main.app, ["case", "info", "--case", str(case)])
        assert info.exit_code == 0, info.output
        assert f"being written by `mailscope ingest` (pid {pid}" in plain(info.output)


def test_busy_exit_code_through_the_cli(tmp_path: Path) -> None:
    evidence = trace_csv(tmp_path / "ev" / "t.csv", 1)
    case = tmp_path / "case"
    ingest(case, [evidence])
    with other_writer(case, "scope") as pid:
        done = mailscope("ingest", "-q", str(evidence), "--case", str(case))
    assert done.returncode == 7
    assert "Traceback" not in done.stderr and "lock" not in done.stderr.lower()
    assert f"being written by `mailscope scope` (pid {pid}" in plain(done.stderr)


def test_stale_lock_of_a_dead_writer_is_cleared(tmp_path: Path) -> None:
    evidence = trace_csv(tmp_path / "ev" / "t.csv", 1, 2)
    case = tmp_path / "case"
    with other_writer(case):
        assert current_writer(case) is not None
    assert current_writer(case) is None  # the text is still there, its process is not
    assert "pid" in (case / "writer.lock").read_text("utf-8")
    run = ingest(case, [evidence])
    assert [f.parsed for f in run.files] == [2]
    assert (case / "writer.lock").read_text("utf-8") == ""


def _limit_file_size() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (1_500_000, 1_500_000))


def test_full_disk_is_one_sentence_and_leaves_whole_files(tmp_path: Path) -> None:
    folder = tmp_path / "evidence"
    for name, start in (("a.csv", 0), ("b.csv", 20_000)):
        trace_csv(folder / name, *range(start, start + 20_000))
    before = snapshot(folder)
    case = tmp_path / "case"
    done = mailscope("ingest", "-q", str(folder), "--case", str(case), preexec_fn=_limit_file_size)
    assert done.returncode == 4, done.stderr
    assert f"the disk holding case {case} is full" in plain(done.stderr)
    assert "Traceback" not in done.stderr
    assert snapshot(folder) == before
    if (case / "case.duckdb").exists():
        kept = tables(case)
        shas = {row[0] for row in kept["evidence"]}
        assert {row[-3] for row in kept["message_trace"]} <= shas
    ingest(case, [folder])
    clean = tmp_path / "clean"
    ingest(clean, [folder])
    assert tables(case) == tables(clean)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_case_is_one_sentence(tmp_path: Path) -> None:
    evidence = trace_csv(tmp_path / "ev" / "t.csv", 1)
    case = tmp_path / "case"
    ingest(case, [evidence])
    case.chmod(0o555)
    try:
        done = mailscope("ingest", "-q", str(evidence), "--case", str(case))
        assert done.returncode == 4
        assert "cannot be written" in plain(done.stderr) or "cannot write" in plain(done.stderr)
        info = mailscope("case", "info", "--case", str(case))
        assert info.returncode == 0, info.stderr
    finally:
        case.chmod(0o755)
