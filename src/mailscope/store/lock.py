"""One writer per case: an advisory lock file naming the command, pid and start time.

Writers (``ingest``, ``detect``, ``scope``, ``investigate``) hold an exclusive ``flock`` on
``CASE/writer.lock`` for their whole run; the kernel drops it when the process dies, so a
lock left by a killed process is stale by construction and the next writer takes it over
(the file's text still says who held it, which is how an interrupted run is named).
Readers never take the lock: they only ask who holds it, to explain a busy store.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import orjson

from mailscope.errors import CaseBusyError, CaseError

LOCK_NAME = "writer.lock"
ACQUIRE_SECONDS = 1.0  # a reader probing the lock holds it for microseconds


@dataclass(frozen=True, slots=True)
class Holder:
    """What a lock file says about the process that took it."""

    command: str
    pid: int
    started: str  # ISO-8601 UTC
    current: str = ""  # the evidence file being read, for ingest
    pending: int = 0  # files read since the last one made visible
    updated: str = ""  # when ``current`` was written

    def describe(self) -> str:
        """`` `mailscope ingest` (pid 4242, started 2024-05-01T10:00:00Z)``"""
        return f"`mailscope {self.command}` (pid {self.pid}, started {self.started})"

    def busy_message(self, case_dir: Path) -> str:
        return (
            f"case {case_dir} is being written by {self.describe()}; "
            "wait for it or use another case"
        )


@dataclass
class WriterLock:
    """A held writer lock; ``stale`` is what a dead previous holder left, if anything."""

    path: Path
    fd: int
    holder: Holder
    stale: Holder | None

    def note(self, current: str, pending: int) -> None:
        """Record the file being read now (named if the run is interrupted)."""
        self.holder = Holder(
            self.holder.command, self.holder.pid, self.holder.started, current, pending, _now()
        )
        _write(self.fd, self.holder)


_held: dict[Path, WriterLock] = {}  # one flock per case and process (flock is per open file)


@contextmanager
def writer_lock(case_dir: Path, command: str) -> Iterator[WriterLock]:
    """Hold the case's writer lock (re-entrant within a process, e.g. ``investigate``).

    Raises :class:`CaseBusyError` when a live process holds it, :class:`CaseError` when
    the case folder cannot be written.
    """
    key = case_dir.resolve()
    if key in _held:
        yield _held[key]
        return
    lock = _acquire(case_dir, command)
    _held[key] = lock
    try:
        yield lock
    finally:
        del _held[key]
        # A clean exit leaves an empty file: text left in it means its writer died.
        try:
            os.ftruncate(lock.fd, 0)
        finally:
            os.close(lock.fd)


def held(case_dir: Path) -> WriterLock | None:
    """The lock this process holds on ``case_dir``, if any."""
    return _held.get(case_dir.resolve())


def current_writer(case_dir: Path) -> Holder | None:
    """The live process writing the case, or None (no lock file, or its holder is dead)."""
    if held(case_dir) is not None:
        return _held[case_dir.resolve()].holder
    path = case_dir / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _read(fd) or Holder("(unknown command)", 0, "unknown time")
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def last_holder(case_dir: Path) -> Holder | None:
    """What the lock file says, whether or not its holder is alive."""
    try:
        fd = os.open(case_dir / LOCK_NAME, os.O_RDONLY)
    except OSError:
        return None
    try:
        return _read(fd)
    finally:
        os.close(fd)


def _acquire(case_dir: Path, command: str) -> WriterLock:
    path = case_dir / LOCK_NAME
    try:
        case_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise CaseError(
            f"cannot write the case folder: {error.strerror or error}",
            location=str(case_dir),
            hint="make it writable, or copy the case to a writable folder",
        ) from error
    deadline = time.monotonic() + ACQUIRE_SECONDS
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() < deadline:
                time.sleep(0.02)
                continue
            holder = _read(fd) or Holder("(unknown command)", 0, "unknown time")
            os.close(fd)
            raise CaseBusyError(holder.busy_message(case_dir)) from None
    stale = _read(fd)  # left by a process that died holding it (the kernel freed the flock)
    holder = Holder(command, os.getpid(), _now())
    try:
        _write(fd, holder)
    except OSError as error:
        os.close(fd)
        raise CaseError(
            f"cannot write the case folder: {error.strerror or error}", location=str(case_dir)
        ) from error
    return WriterLock(path, fd, holder, stale)


def release_stale(case_dir: Path) -> None:
    """Forget a dead holder's note (after its interrupted run has been journalled)."""
    lock = held(case_dir)
    if lock is not None:
        lock.stale = None


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _write(fd: int, holder: Holder) -> None:
    data = orjson.dumps(
        {
            "command": holder.command,
            "pid": holder.pid,
            "started": holder.started,
            "current": holder.current,
            "pending": holder.pending,
            "updated": holder.updated,
        }
    )
    os.ftruncate(fd, 0)
    os.pwrite(fd, data, 0)


def _read(fd: int) -> Holder | None:
    try:
        text = os.pread(fd, 1 << 16, 0)
        value = orjson.loads(text) if text else None
    except (OSError, orjson.JSONDecodeError):
        return None
    if not isinstance(value, dict):
        return None
    return Holder(
        str(value.get("command", "")),
        int(value.get("pid", 0) or 0),
        str(value.get("started", "")),
        str(value.get("current", "")),
        int(value.get("pending", 0) or 0),
        str(value.get("updated", "")),
    )
