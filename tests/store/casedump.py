"""Helpers for the integrity tests: a case's tables as comparable data, evidence snapshots,
and running the CLI in a child process that can be killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb

# Bookkeeping of runs (their number, times and how they ended) differs between an
# interrupted-then-resumed case and an uninterrupted one by design; so do wall times.
RUN_TABLES = {"run_journal", "ingest_runs", "meta"}
TIME_COLUMNS = {"seconds"}


def tables(case: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every table of the case store, rows sorted, run bookkeeping and timings left out."""
    with duckdb.connect(str(case / "case.duckdb"), read_only=True) as connection:
        names = [
            str(row[0])
            for row in connection.execute(
                "SELECT table_name FROM information_schema.tables ORDER BY 1"
            ).fetchall()
        ]
        dump = {}
        for name in names:
            if name in RUN_TABLES:
                continue
            columns = [
                str(row[0])
                for row in connection.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                    "ORDER BY ordinal_position",
                    [name],
                ).fetchall()
                if row[0] not in TIME_COLUMNS
            ]
            listed = ", ".join(f'"{c}"' for c in columns)
            rows = connection.execute(f"SELECT {listed} FROM {name}").fetchall()
            dump[name] = sorted(rows, key=repr)
    return dump


def snapshot(folder: Path) -> dict[str, tuple[int, int, bytes]]:
    """(size, mtime_ns, first bytes) of every file under ``folder``, to prove it untouched."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            stat = path.stat()
            with path.open("rb") as stream:
                found[str(path)] = (stat.st_size, stat.st_mtime_ns, stream.read(256))
    return found


def mailscope(
    *args: str, env: dict[str, str] | None = None, kill_after: float | None = None, **kw: object
) -> subprocess.CompletedProcess[str]:
    """Run ``mailscope ARGS`` in a child process (killed with SIGKILL after ``kill_after``
    seconds when given); returns its exit status and output."""
    command = [sys.executable, "-c", "from mailscope.cli.main import run; run()", *args]
    environment = {**os.environ, "COLUMNS": "200", **(env or {})}
    process = subprocess.Popen(
        command,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kw,  # type: ignore[call-overload]
    )
    try:
        out, err = process.communicate(timeout=kill_after if kill_after is not None else 600)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        out, err = process.communicate()
    return subprocess.CompletedProcess(command, process.returncode, out, err)


def forked(
    args: list[str], fault: str = "", cwd: Path | None = None, kill_after: float | None = None
) -> int:
    """Run the CLI in a forked child (no import cost), dying at fault point ``fault`` or
    killed with SIGKILL after ``kill_after`` seconds; returns its exit status, or minus the
    signal that killed it."""
    pid = os.fork()
    if pid == 0:  # the child: never returns to pytest
        code = 70
        try:
            if fault:
                os.environ["MAILSCOPE_FAULT"] = fault
            if cwd is not None:
                os.chdir(cwd)
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 1)
            os.dup2(null, 2)
            from mailscope.cli.main import run

            sys.argv = ["mailscope", *args]
            try:
                run()
                code = 0
            except SystemExit as done:
                code = done.code if isinstance(done.code, int) else 1
        finally:
            os._exit(code)
    if kill_after is not None:
        deadline = time.monotonic() + kill_after
        while time.monotonic() < deadline:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
            time.sleep(0.02)
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
