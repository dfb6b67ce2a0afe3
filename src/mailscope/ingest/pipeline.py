"""Ingest evidence into a case: discover, hash, sniff, read, de-duplicate, quarantine, record.

The library entry point is :func:`ingest`; the CLI adds a progress display through the
``on_progress`` callback. One bad record never stops a file; one unreadable file never
stops the run (it is recorded with its reason).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

import duckdb

from mailscope import __version__
from mailscope.ingest.base import Bad, Parsed, Reader, Row, Source
from mailscope.ingest.discover import Refused, discover
from mailscope.ingest.manifest import write_manifest
from mailscope.ingest.registry import all_readers, sniff
from mailscope.store.case import open_case
from mailscope.store.writer import BatchWriter

UNRECOGNISED = "unrecognised"
REFUSED = "refused"
PROGRESS_EVERY = 5_000
# Formats of mailbox content readers: one file per message, keyed by mailbox and folder.
MESSAGE_FORMAT_PREFIX = "mailbox_"


@dataclass
class FileResult:
    """What ingest did with one evidence file (one manifest entry)."""

    path: str
    sha256: str
    bytes: int
    format: str
    records: int = 0
    parsed: int = 0
    quarantined: int = 0
    duplicates: int = 0
    seconds: float = 0.0
    status: str = "ingested"  # 'ingested' | 'already in case' | 'unrecognised' | 'refused'
    note: str = ""


@dataclass(frozen=True, slots=True)
class Progress:
    """A progress tick: the file, bytes consumed of it, records read so far."""

    path: str
    total_bytes: int
    bytes_read: int
    records: int
    done: bool = False


ProgressFn = Callable[[Progress], None]


@dataclass
class IngestRun:
    """The results of one ``ingest`` call, in file order."""

    files: list[FileResult] = field(default_factory=list)

    @property
    def records(self) -> int:
        return sum(f.records for f in self.files)

    @property
    def quarantined(self) -> int:
        return sum(f.quarantined for f in self.files)


def ingest(
    case_dir: Path,
    paths: list[Path],
    *,
    on_progress: ProgressFn | None = None,
    readers: tuple[Reader, ...] | None = None,
) -> IngestRun:
    """Ingest every evidence file under ``paths`` into the case at ``case_dir``."""
    readers = readers if readers is not None else all_readers()
    started = datetime.now(UTC).replace(tzinfo=None)
    connection = open_case(case_dir, create=True)
    run = IngestRun()
    try:
        known = {row[0] for row in connection.execute("SELECT sha256 FROM evidence").fetchall()}
        filed = _filed_message_paths(connection)
        for found in discover(paths):
            result = _ingest_one(connection, found, readers, known, on_progress, filed)
            run.files.append(result)
            if result.status != "already in case":
                known.add(result.sha256)
        _record_run(connection, started, run)
        write_manifest(connection, case_dir)
    finally:
        connection.close()
    return run


def _ingest_one(
    connection: duckdb.DuckDBPyConnection,
    found: Source | Refused,
    readers: tuple[Reader, ...],
    known: set[str],
    on_progress: ProgressFn | None,
    filed: set[str] | None = None,
) -> FileResult:
    if isinstance(found, Refused):
        result = FileResult(found.display, "", 0, REFUSED, status=REFUSED, note=found.reason)
        _quarantine(connection, result, 0, found.reason, "")
        result.quarantined = result.records = 1
        return result
    reader = sniff(found.head, found.name, readers)
    if found.sha256 in known:
        if reader is not None and _refile(found, reader, filed):
            # The same message filed in another folder is another row (its folder is part
            # of its identity); the evidence entry of the first copy stands for the content.
            result = _read_file(connection, found, reader, on_progress)
            result.status = "ingested"
            result.note = "same content as a file already in the case"
            return result
        return FileResult(found.display, found.sha256, found.size, "", status="already in case")
    if reader is None:
        result = FileResult(
            found.display, found.sha256, found.size, UNRECOGNISED, status=UNRECOGNISED
        )
        reason = "unrecognised format: no reader knows this file"
        _quarantine(connection, result, 0, reason, found.head[:4096].decode("utf-8", "replace"))
        result.records = result.quarantined = 1
        result.note = reason
        _record_evidence(connection, result)
        return result
    result = _read_file(connection, found, reader, on_progress)
    _record_evidence(connection, result)
    return result


def _filed_message_paths(connection: duckdb.DuckDBPyConnection) -> set[str]:
    """Paths of message files already read (a message file's path is part of its identity)."""
    rows = connection.execute("SELECT DISTINCT source_path FROM messages").fetchall()
    return {str(row[0]) for row in rows}


def _refile(found: Source, reader: Reader, filed: set[str] | None) -> bool:
    """True for a message file whose identical content was already read from another path."""
    if filed is None or not reader.name.startswith(MESSAGE_FORMAT_PREFIX):
        return False
    if found.display in filed:
        return False
    filed.add(found.display)
    return True


def _read_file(
    connection: duckdb.DuckDBPyConnection,
    source: Source,
    reader: Reader,
    on_progress: ProgressFn | None,
) -> FileResult:
    result = FileResult(source.display, source.sha256, source.size, reader.name)
    counter = _CountingOpener(source)
    counted = Source(source.display, source.parts, source.size, source.sha256, source.head, counter)
    writer = BatchWriter(connection)
    clock = time.perf_counter()
    primary = 0
    inserted = 0
    connection.execute("BEGIN TRANSACTION")
    try:
        for item in _guarded(reader, counted):
            result.records += 1
            if isinstance(item, Bad):
                result.quarantined += 1
                _quarantine(connection, result, item.line, item.reason, item.raw)
            else:
                primary += 1
                inserted += writer.add(_stamp(item.rows, source.sha256, item.line))
            if on_progress and result.records % PROGRESS_EVERY == 0:
                on_progress(
                    Progress(source.display, source.size, counter.bytes_read, result.records)
                )
        inserted += writer.flush()
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    result.parsed = inserted
    result.duplicates = primary - inserted
    result.seconds = round(time.perf_counter() - clock, 3)
    if on_progress:
        on_progress(Progress(source.display, source.size, source.size, result.records, done=True))
    return result


def _guarded(reader: Reader, source: Source) -> Iterator[Parsed | Bad]:
    """The reader's items; a reader crash quarantines the rest of the file instead of dying."""
    last_line = 0
    try:
        for item in reader.read(source):
            last_line = item.line
            yield item
    except Exception as error:  # a reader bug must not lose the run: record it
        yield Bad(last_line + 1, f"reader {reader.name} failed: {error!r}", "")


def _stamp(rows: tuple[Row, ...], sha256: str, line: int) -> tuple[Row, ...]:
    for row in rows:
        row.values.setdefault("source_sha256", sha256)
        row.values.setdefault("source_line", line)
    return rows


def _quarantine(
    connection: duckdb.DuckDBPyConnection, result: FileResult, line: int, reason: str, raw: str
) -> None:
    connection.execute(
        "INSERT INTO quarantine VALUES (?, ?, ?, ?, ?, ?)",
        [result.sha256, result.path, line, result.format, reason, raw],
    )


def _record_evidence(connection: duckdb.DuckDBPyConnection, result: FileResult) -> None:
    container = result.path.split("!", 1)[0] if "!" in result.path else None
    connection.execute(
        "INSERT OR REPLACE INTO evidence VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            result.sha256,
            result.path,
            result.bytes,
            result.format,
            result.records,
            result.parsed,
            result.quarantined,
            result.duplicates,
            result.seconds,
            container,
        ],
    )


def _record_run(connection: duckdb.DuckDBPyConnection, started: datetime, run: IngestRun) -> None:
    number = connection.execute("SELECT coalesce(max(run), 0) + 1 FROM ingest_runs").fetchone()
    connection.execute(
        "INSERT INTO ingest_runs VALUES (?, ?, ?, ?, ?, ?)",
        [
            number[0] if number else 1,
            started,
            datetime.now(UTC).replace(tzinfo=None),
            __version__,
            len(run.files),
            run.records,
        ],
    )


class _CountingOpener:
    """Opens the source and counts the bytes the reader has consumed (for progress bars)."""

    def __init__(self, source: Source):
        self._source = source
        self.bytes_read = 0

    def __call__(self) -> BinaryIO:
        return _CountingStream(self._source.open(), self)  # type: ignore[return-value]


class _CountingStream:
    def __init__(self, stream: BinaryIO, owner: _CountingOpener):
        self._stream = stream
        self._owner = owner

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self._owner.bytes_read += len(data)
        return data

    def readline(self, size: int = -1) -> bytes:
        data = self._stream.readline(size)
        self._owner.bytes_read += len(data)
        return data

    def __iter__(self) -> Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)

    def __enter__(self) -> _CountingStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stream.close()
