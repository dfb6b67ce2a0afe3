"""The run journal: every run of a command that writes the case, and how it ended.

A run is journalled ``running`` before it changes anything and ``finished`` (or
``failed``) when it ends; a process killed in between leaves ``running`` behind, which the
next command reports as an interrupted run. Ingest makes each evidence file visible in
one transaction, so an interrupted ingest left *none* of the records of the file it was
reading in the case; the next ``ingest`` of that file reads it whole.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import orjson

from mailscope.store.case import disk_error, open_case
from mailscope.store.faults import fault_point
from mailscope.store.lock import Holder, WriterLock, current_writer, last_holder, writer_lock

RUNNING = "running"
FINISHED = "finished"
FAILED = "failed"
INTERRUPTED = "interrupted"
RECOVERED = "recovered"


@dataclass(frozen=True, slots=True)
class Interruption:
    """A run that a killed process left unfinished."""

    run: int
    command: str
    started_at: datetime
    interrupted_at: datetime | None
    current_file: str
    pending_files: int

    @property
    def message(self) -> str:
        """One sentence: what was interrupted, when, and what of it is in the case."""
        when = _iso(self.interrupted_at or self.started_at)
        if self.command != "ingest":
            return (
                f"`mailscope {self.command}` (run {self.run}) was interrupted at {when}; "
                f"its results are those of the previous run: re-run `mailscope {self.command}`"
            )
        if not self.current_file:
            return (
                f"ingest run {self.run} was interrupted at {when} before it read a file; "
                "nothing of it is in the case"
            )
        others = self.pending_files - 1
        what = f"ingest of {self.current_file}"
        if others > 0:
            what += f" (and {others:,} other file(s) read since its last commit)"
        return (
            f"{what} interrupted at {when}; 0 of its records are in the case: "
            "re-run `mailscope ingest` on it to add it"
        )


@dataclass
class JournalledRun:
    """A run in progress: its number, its writer lock, and the interruptions found when it
    started (already journalled as such)."""

    run: int
    lock: WriterLock
    interrupted: list[Interruption] = field(default_factory=list)


@contextmanager
def journalled_run(
    case_dir: Path, command: str, paths: list[str] | None = None, *, create: bool = False
) -> Iterator[JournalledRun]:
    """Hold the writer lock and journal the run: ``running`` now, ``finished`` when the
    block ends, ``failed`` when it raises (a killed process leaves ``running``)."""
    with writer_lock(case_dir, command) as lock:
        connection = open_case(case_dir, create=create)
        try:
            mark_interrupted(connection, lock.stale)
            lock.stale = None
            found = interruptions(connection, case_dir)
            run = start_run(connection, command, os.getpid(), paths or [])
        finally:
            connection.close()
        fault_point(f"{command}:journalled")
        try:
            yield JournalledRun(run, lock, found)
        except BaseException as error:
            _end(case_dir, run, FAILED, f"{type(error).__name__}: {error}"[:500], command)
            stored = isinstance(error, duckdb.Error | OSError)
            full = disk_error(error, case_dir) if stored else None
            if full is not None:
                raise full from error
            raise
        fault_point(f"{command}:before-finish")
        _end(case_dir, run, FINISHED, None, command)


def _end(case_dir: Path, run: int, state: str, note: str | None, command: str) -> None:
    try:
        connection = open_case(case_dir)
    except Exception:  # the failure itself may be why the store cannot open: keep it
        return
    try:
        end_run(connection, run, state, note)
        if state == FINISHED:
            resolve(connection, command, run)
    except duckdb.Error:
        if state == FINISHED:
            raise
    finally:
        connection.close()


def now() -> datetime:
    """UTC now, without zone (the store's convention)."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def start_run(
    connection: duckdb.DuckDBPyConnection, command: str, pid: int, paths: list[str]
) -> int:
    """Journal a run as ``running`` and return its number."""
    row = connection.execute("SELECT coalesce(max(run), 0) + 1 FROM run_journal").fetchone()
    run = int(row[0]) if row else 1
    connection.execute(
        "INSERT INTO run_journal VALUES (?, ?, ?, ?, NULL, ?, ?, 0, NULL, NULL, NULL, NULL)",
        [run, command, pid, now(), orjson.dumps(paths).decode(), RUNNING],
    )
    return run


def end_run(
    connection: duckdb.DuckDBPyConnection, run: int, state: str, note: str | None = None
) -> None:
    """Journal how a run ended (``finished`` or ``failed``)."""
    connection.execute(
        "UPDATE run_journal SET state = ?, finished_at = ?, note = ? WHERE run = ?",
        [state, now(), note, run],
    )


def mark_interrupted(connection: duckdb.DuckDBPyConnection, stale: Holder | None) -> int:
    """Turn runs left ``running`` by dead processes into ``interrupted`` ones, naming the
    file each was reading (from the dead writer's lock note). Call with the writer lock held.
    """
    rows = connection.execute(
        "SELECT run, pid FROM run_journal WHERE state = ? ORDER BY run", [RUNNING]
    ).fetchall()
    for run, pid in rows:
        note = stale if stale is not None and stale.pid == pid else None
        connection.execute(
            "UPDATE run_journal SET state = ?, current_file = ?, pending_files = ?, "
            "interrupted_at = ? WHERE run = ?",
            [
                INTERRUPTED,
                note.current if note else None,
                note.pending if note else 0,
                _parse(note.updated or note.started) if note else None,
                run,
            ],
        )
    return len(rows)


def resolve(connection: duckdb.DuckDBPyConnection, command: str, run: int) -> None:
    """After ``run`` of ``command`` finished: earlier interruptions it made good are
    ``recovered`` (for ingest: the interrupted file is now in the case)."""
    if command == "ingest":
        connection.execute(
            "UPDATE run_journal SET state = ?, note = ? WHERE state = ? AND command = 'ingest' "
            "AND (current_file IS NULL OR current_file IN "
            "(SELECT path FROM evidence_locations UNION SELECT path FROM evidence))",
            [RECOVERED, f"completed by run {run}", INTERRUPTED],
        )
        return
    connection.execute(
        "UPDATE run_journal SET state = ?, note = ? WHERE state = ? AND command = ?",
        [RECOVERED, f"superseded by run {run}", INTERRUPTED, command],
    )


def interruptions(connection: duckdb.DuckDBPyConnection, case_dir: Path) -> list[Interruption]:
    """Interrupted runs not yet made good, read-only: also runs still marked ``running``
    whose process is gone (no live writer holds the case)."""
    tables = {
        str(name)
        for (name,) in connection.execute(
            "SELECT table_name FROM information_schema.tables"
        ).fetchall()
    }
    if "run_journal" not in tables:
        return []
    live = current_writer(case_dir)
    stale = last_holder(case_dir) if live is None else None
    rows = connection.execute(
        "SELECT run, command, pid, started_at, state, current_file, pending_files, "
        "interrupted_at FROM run_journal WHERE state IN (?, ?) ORDER BY run",
        [RUNNING, INTERRUPTED],
    ).fetchall()
    found = []
    for run, command, pid, started, state, current, pending, at in rows:
        if state == RUNNING:
            if live is not None and live.pid == pid:
                continue  # still working
            if stale is not None and stale.pid == pid:
                current, pending, at = stale.current, stale.pending, _parse(stale.updated)
        found.append(
            Interruption(int(run), str(command), started, at, str(current or ""), int(pending or 0))
        )
    return found


def _iso(value: datetime) -> str:
    return value.isoformat() + "Z"


def _parse(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=None)
    except ValueError:
        return None
