"""One ingest run's work on each file: read it (record by record or in bulk), stage its rows,
quarantine what cannot be read, and settle whole files into the case store."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator

import duckdb
import orjson

from mailscope.ingest.base import Bad, Item, Reader, Skipped, Source
from mailscope.ingest.bulk.loader import TABLES as BULK_TABLES
from mailscope.ingest.bulk.ual import BulkReader, bulk_load
from mailscope.ingest.counting import CountingOpener
from mailscope.ingest.discover import Refused
from mailscope.ingest.readers.mailbox import eml, mbox, msg, pst
from mailscope.ingest.registry import sniff
from mailscope.ingest.results import (
    ANOTHER_LOCATION,
    REFUSED,
    UNRECOGNISED,
    FileResult,
    Progress,
    ProgressFn,
)
from mailscope.model.row import Row
from mailscope.store.faults import fault_point
from mailscope.store.journal import JournalledRun
from mailscope.store.locations import (
    Difference,
    Location,
    changed_error,
    current,
    differences,
    locate,
)
from mailscope.store.staging import LocationChanges, Staging
from mailscope.store.writer import BatchWriter, insert_rows

PROGRESS_EVERY = 5_000
# Files at least this large go through their reader's bulk (SQL) path when it has one: it
# maps JSON lines about 3x and Purview CSV about 1.6x faster, but costs about a second of
# query planning per file, which small files would not win back.
BULK_MIN_BYTES = 16 * 1024 * 1024
NOTE_BYTES = 1 << 20  # files this large are named in the writer lock when they start
NOTE_SECONDS = 0.25  # smaller files: at most this often
# Formats whose rows depend on the file's path (a message's mailbox and folder): the same
# bytes at two paths are read at both (a message filed in two folders is two messages).
PATH_IS_DATA = frozenset({eml.NAME, mbox.NAME, msg.NAME, pst.NAME})


class Session:
    """One ingest run: a shared batch writer into the staging store, and file results
    settled (published to the case store, whole files only) at each settle.

    Per-file work is kept tiny (no per-file inserts or transactions), so a mailbox export
    of 50,000 one-message files costs a handful of batched inserts and publishes.
    """

    SETTLE_FILES = 2_000
    SETTLE_RECORDS = 1_000

    def __init__(
        self,
        staging: Staging,
        journal: JournalledRun,
        recorded: list[Location],
        *,
        bulk: bool | None = None,
    ):
        self.staging = staging
        self.journal = journal
        self.connection = connection = staging.connection
        self.bulk = bulk
        # Commit the staging store after every batch: DuckDB keeps uncommitted rows in
        # memory, so a single transaction over a 1 M-record file grew to gigabytes.
        self.writer = BatchWriter(connection, on_flush=self._commit)
        self.accept_changed = False
        self.at_path = {loc.path: loc for loc in current(recorded)}
        self.first_path: dict[str, str] = {}
        for loc in recorded:
            self.first_path.setdefault(loc.sha256, loc.path)
        self.locations: list[tuple[object, ...]] = []  # rows for locations settled alone
        self.changes = LocationChanges()
        # The file being read: its location and the change it makes, published with it.
        self.pending: tuple[Location | None, tuple[str, str, str] | None] = (None, None)
        self.primary_tables: set[str] = set()
        self.noted = 0.0
        self.unsettled: list[tuple[FileResult, int]] = []  # (result, primary rows sent)
        self.unsettled_shas: set[str] = set()
        self.quarantined: list[tuple[object, ...]] = []
        connection.execute("BEGIN TRANSACTION")

    def ingest_one(
        self, found: Source | Refused, readers: tuple[Reader, ...], on_progress: ProgressFn | None
    ) -> FileResult:
        if isinstance(found, Refused):
            result = FileResult(found.display, "", 0, REFUSED, status=REFUSED, note=found.reason)
            self._quarantine(result, Bad(0, found.reason))
            result.quarantined = result.records = 1
            return result
        recorded = self.at_path.get(found.display)
        if recorded is not None and recorded.sha256 == found.sha256:
            return self._unchanged(found, recorded)
        replaced = self._replace(found, recorded) if recorded is not None else None
        location = locate(found.sha256, found.display, found.size)
        self.at_path[found.display] = location
        reader = sniff(found.head, found.name, readers)
        first = self.first_path.setdefault(found.sha256, found.display)
        if first != found.display and (reader is None or reader.name not in PATH_IS_DATA):
            return self._another_location(found, location, first, replaced)
        self.pending = (location, replaced)
        self._note(found)
        fault_point("ingest:file-start")
        if reader is None:
            result = FileResult(
                found.display, found.sha256, found.size, UNRECOGNISED, status=UNRECOGNISED
            )
            result.note = "unrecognised format: no reader knows this file"
            self._quarantine(
                result, Bad(0, result.note, found.head[:4096].decode("utf-8", "replace"))
            )
            result.records = result.quarantined = 1
            self._done(result, 0)
            return result
        if found.sha256 in self.unsettled_shas:
            self.settle()  # identical bytes at two paths: keep their counts apart
        self.unsettled_shas.add(found.sha256)
        self.writer.file_order += 1
        wanted = found.size >= BULK_MIN_BYTES if self.bulk is None else self.bulk
        if wanted and isinstance(reader, BulkReader):
            loaded = self._bulk_read(found, reader, on_progress)
            if loaded is not None:
                return loaded
        result, primary = self._read(found, reader, on_progress)
        self._done(result, primary)
        # Large files settle at once, so a later overlapping export gets the duplicates.
        if primary >= self.SETTLE_RECORDS or len(self.unsettled) >= self.SETTLE_FILES:
            self.settle()
        return result

    def _read(
        self, source: Source, reader: Reader, on_progress: ProgressFn | None
    ) -> tuple[FileResult, int]:
        result = FileResult(source.display, source.sha256, source.size, reader.name)
        counter = CountingOpener(source)
        counted = Source(
            source.display, source.parts, source.size, source.sha256, source.head, counter
        )
        clock = time.perf_counter()
        primary = 0
        for item in _guarded(reader, counted):
            result.records += 1
            if isinstance(item, Bad):
                result.quarantined += 1
                self._quarantine(result, item)
            elif isinstance(item, Skipped):
                result.skip(item.reason)
            else:
                primary += 1
                self.writer.add(_stamp(item.rows, source.sha256, item.line))
            if on_progress and result.records % PROGRESS_EVERY == 0:
                on_progress(
                    Progress(source.display, source.size, counter.bytes_read, result.records)
                )
        result.seconds = round(time.perf_counter() - clock, 3)
        if on_progress:
            on_progress(
                Progress(source.display, source.size, source.size, result.records, done=True)
            )
        return result, primary

    def _bulk_read(
        self, source: Source, reader: BulkReader, on_progress: ProgressFn | None
    ) -> FileResult | None:
        """Load a file through its reader's bulk (SQL) path; None to read it record by record.

        Earlier files are settled first, so a record shared with them stays theirs. A bulk
        failure rolls the file back and leaves it to the record-by-record path.
        """
        self.settle()
        result = FileResult(source.display, source.sha256, source.size, reader.name)
        clock = time.perf_counter()
        marks = {table: self._next_rowid(table) for table in BULK_TABLES}
        # Ticks once each chunk is stored: the bytes read so far (a chunk is read just before
        # it is mapped) and its records, so the bar and its ETA follow the work done.
        counter = CountingOpener(source)
        counted = Source(
            source.display, source.parts, source.size, source.sha256, source.head, counter
        )

        def progress(records: int) -> None:
            if on_progress:
                on_progress(Progress(source.display, source.size, counter.bytes_read, records))

        try:
            counts = bulk_load(
                reader,
                counted,
                self.connection,
                lambda bad: self._quarantine(result, bad),
                progress,
            )
        except (duckdb.Error, ValueError, OSError):
            counts = None
        if counts is None:
            # Chunks are committed as they load: remove what this attempt stored.
            self.connection.execute("ROLLBACK")
            for table, mark in marks.items():
                self.connection.execute(
                    f"DELETE FROM {table} WHERE rowid >= ? AND source_sha256 = ?",
                    [mark, source.sha256],
                )
            self.connection.execute("BEGIN TRANSACTION")
            self.quarantined.clear()
            return None
        result.records = counts.records
        for reason, count in sorted(counts.skipped.items()):
            result.skip(reason, count)
        result.quarantined = counts.records - counts.primary - result.skipped
        result.seconds = round(time.perf_counter() - clock, 3)
        self.writer.inserted[source.sha256] += counts.inserted
        self.primary_tables.add("audit_events")
        self._done(result, counts.primary)
        self.settle()
        if on_progress:
            on_progress(
                Progress(source.display, source.size, source.size, result.records, done=True)
            )
        return result

    def _done(self, result: FileResult, primary: int) -> None:
        """A file read: it, its location and the change it makes settle together."""
        location, replaced = self.pending
        self.pending = (None, None)
        if location is not None:
            self.locations.append(location.row())
        if replaced is not None:
            self.changes.replaced.append(replaced)
        self.unsettled.append((result, primary))

    def _unchanged(self, found: Source, recorded: Location) -> FileResult:
        """A recorded file, re-hashed identical: nothing to read; a moved size or mtime
        (a copy that kept the bytes, a touch) is recorded anew."""
        if differences([recorded]):
            refreshed = locate(found.sha256, found.display, found.size)
            self.changes.refreshed.append(refreshed)
            self.at_path[found.display] = refreshed
        return FileResult(found.display, found.sha256, found.size, "", status="already in case")

    def _replace(self, found: Source, recorded: Location) -> tuple[str, str, str]:
        """A recorded path whose bytes changed: refused, or (accepted) new evidence that
        replaces the old location, the old entry kept."""
        if not self.accept_changed:
            self.settle()  # what was read before it stays in the case
            raise changed_error([Difference(recorded, "SHA-256")], self.staging.case_dir)
        return (found.display, recorded.sha256, found.sha256)

    def _another_location(
        self,
        found: Source,
        location: Location,
        first: str,
        replaced: tuple[str, str, str] | None,
    ) -> FileResult:
        """The same bytes as evidence at ``first``: one item, one more location."""
        self.locations.append(location.row())
        if replaced is not None:
            self.changes.replaced.append(replaced)
        return FileResult(
            found.display,
            found.sha256,
            found.size,
            "",
            status=ANOTHER_LOCATION,
            note=f"same content (SHA-256) as {first}",
        )

    def _next_rowid(self, table: str) -> int:
        row = self.connection.execute(f"SELECT coalesce(max(rowid) + 1, 0) FROM {table}").fetchone()
        return int(row[0]) if row else 0

    def _quarantine(self, result: FileResult, bad: Bad) -> None:
        """The one quarantine path: the rejected record, placed in its file."""
        self.quarantined.append(
            (result.sha256, result.path, bad.line, result.format, bad.reason, bad.raw)
        )

    def _counted(self, dropped: Counter[str]) -> list[tuple[object, ...]]:
        """The unsettled files' evidence rows, their records already stored (from another
        evidence item) counted as duplicates."""
        rows = []
        for result, primary in self.unsettled:
            result.parsed = self.writer.inserted.pop(result.sha256, 0) - dropped[result.sha256]
            result.duplicates = primary - result.parsed
            rows.append(_evidence_row(result))
        return rows

    def _note(self, found: Source) -> None:
        """Name the file in the writer lock, so an interruption can say what was lost."""
        clock = time.monotonic()
        first = not self.unsettled  # the first file since the last publish
        if first or found.size >= NOTE_BYTES or clock - self.noted >= NOTE_SECONDS:
            self.journal.lock.note(found.display, len(self.unsettled) + 1)
            self.noted = clock

    def settle(self) -> None:
        """Flush rows, then publish the finished files (rows, evidence entries and
        quarantine) to the case store in one transaction."""
        self.writer.flush()
        if not (self.unsettled or self.quarantined or self.locations or self.changes):
            return
        insert_rows(self.connection, "quarantine", self.quarantined)
        insert_rows(self.connection, "evidence_locations", self.locations)
        self.connection.execute("COMMIT")
        self.staging.publish(
            self.primary_tables | self.writer.primary_tables,
            self.journal.run,
            self._counted,
            self.changes,
        )
        self.unsettled.clear()
        self.unsettled_shas.clear()
        self.quarantined.clear()
        self.locations.clear()
        self.changes.clear()
        self.connection.execute("BEGIN TRANSACTION")

    def _commit(self) -> None:
        fault_point("ingest:batch")
        self.connection.execute("COMMIT")
        self.connection.execute("BEGIN TRANSACTION")

    def finish(self) -> None:
        """Settle the last files and end the transaction."""
        self.settle()
        self.connection.execute("COMMIT")


def _guarded(reader: Reader, source: Source) -> Iterator[Item]:
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
        row.stamp(sha256, line)
    return rows


def _evidence_row(result: FileResult) -> tuple[object, ...]:
    container = result.path.split("!", 1)[0] if "!" in result.path else None
    return (
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
        result.skipped,
        orjson.dumps(result.skipped_reasons, option=orjson.OPT_SORT_KEYS).decode(),
    )
