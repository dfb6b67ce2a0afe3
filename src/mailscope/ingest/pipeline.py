"""Ingest evidence into a case: discover, hash, sniff, read, de-duplicate, quarantine, record.

The library entry point is :func:`ingest`; the CLI adds a progress display through the
``on_progress`` callback. One bad record never stops a file; one unreadable file never
stops the run (it is recorded with its reason). Records a reader recognises as data
mailscope does not analyse are counted per file and reason (``skipped``), never stored.

Each file's rows, evidence and quarantine entries become visible together or not at all
(:mod:`mailscope.store.staging`); the run is journalled (:mod:`mailscope.store.journal`)
under the case's writer lock, so a killed ingest is named by the next command and
re-running it gives the case one uninterrupted run would have.

Evidence already in the case is checked before anything is read (:mod:`mailscope.store.
locations`): a recorded file that changed is refused unless the user accepts it as new
evidence; the same bytes at another path become a second location of one evidence item.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb

from mailscope.ingest.base import Reader
from mailscope.ingest.discover import discover
from mailscope.ingest.manifest import write_manifest
from mailscope.ingest.registry import all_readers
from mailscope.ingest.results import IngestRun, ProgressFn
from mailscope.ingest.session import Session
from mailscope.store.case import open_case
from mailscope.store.faults import fault_point
from mailscope.store.journal import journalled_run
from mailscope.store.locations import (
    Difference,
    Location,
    backfill,
    changed_error,
    differences,
    recorded_locations,
    under,
)
from mailscope.store.staging import Staging
from mailscope.store.verify import CHANGED, verify
from mailscope.version import __version__


def ingest(
    case_dir: Path,
    paths: list[Path],
    *,
    on_progress: ProgressFn | None = None,
    readers: tuple[Reader, ...] | None = None,
    bulk: bool | None = None,
    accept_changed: bool = False,
) -> IngestRun:
    """Ingest every evidence file under ``paths`` into the case at ``case_dir``.

    A file already ingested from the same path with the same SHA-256 is skipped; the same
    bytes at another path are recorded as a second location of that evidence, not read
    again (except mailbox content, whose path is data: a message filed in two folders is
    two messages). A recorded file that changed is refused (:class:`EvidenceChangedError`)
    unless ``accept_changed``: then it is new evidence, and the old entry stays. ``bulk``
    lets readers that offer it map whole files in SQL (same rows): None for files of
    ``BULK_MIN_BYTES`` or more, True for every file, False for none.
    """
    readers = readers if readers is not None else all_readers()
    started = datetime.now(UTC).replace(tzinfo=None)
    with journalled_run(case_dir, "ingest", [str(p) for p in paths], create=True) as journal:
        run = IngestRun(interrupted=journal.interrupted)
        connection = open_case(case_dir)
        try:
            backfill(connection)
            recorded = recorded_locations(connection)
        finally:
            connection.close()
        if not accept_changed:
            refuse_changed(recorded, paths, case_dir)
        staging = Staging(case_dir)
        try:
            session = Session(staging, journal, recorded, bulk=bulk)
            session.accept_changed = accept_changed
            for found in discover(paths):
                run.files.append(session.ingest_one(found, readers, on_progress))
            session.finish()
        finally:
            staging.close()
        fault_point("ingest:files-done")
        connection = open_case(case_dir)
        try:
            _record_run(connection, started, run)
            fault_point("ingest:before-manifest")
            write_manifest(connection, case_dir)
        finally:
            connection.close()
    return run


def refuse_changed(recorded: list[Location], paths: list[Path], case_dir: Path) -> None:
    """Refuse, before reading anything, when a recorded file under ``paths`` changed: a
    file whose size or mtime moved is re-hashed, and refused only if its bytes differ."""
    moved = [d.location for d in differences(under(recorded, paths)) if not d.missing]
    changed = [
        Difference(v.location, "size" if v.detail.startswith("size") else "SHA-256")
        for v in verify(moved)
        if v.state == CHANGED
    ]
    if changed:
        raise changed_error(changed, case_dir)


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
