"""Where each evidence item was found, and the cheap check that it is still as ingested.

An evidence item is one SHA-256; ``evidence_locations`` holds every path it was found at,
with the size and modification time (ns) of the file on disk then. Every stage compares
those with the files now (a ``stat`` per file, no reading) and refuses to mix changed
evidence into the case (:class:`~mailscope.errors.EvidenceChangedError`, exit 8); a file
that is gone (moved, an unmounted disk) is only a warning for stages that read the case.
``mailscope case verify`` (:mod:`mailscope.store.verify`) re-hashes the files.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from mailscope.errors import EvidenceChangedError
from mailscope.store.case import open_case

ACCEPT_HINT = (
    "run `mailscope case verify --case {case}` to see what changed; ingest it again with "
    "--accept-changed to add it as new evidence"
)


@dataclass(frozen=True, slots=True)
class Location:
    """One path at which an evidence item was found, as recorded at ingest.

    ``mtime_ns``, ``disk_path`` and ``disk_bytes`` are None for cases ingested before they
    were recorded: such files are checked by size (plain files) or by ``case verify`` only.
    """

    sha256: str
    path: str  # as shown to the user: 'dir/a.zip!inner.json' for a zip member
    bytes: int
    mtime_ns: int | None = None
    disk_path: str | None = None
    disk_bytes: int | None = None
    member: str | None = None
    replaced_by: str | None = None

    @property
    def file(self) -> Path:
        """The file on disk that holds this evidence (the archive, for a zip member)."""
        if self.disk_path:
            return Path(self.disk_path)
        return Path(self.path.split("!", 1)[0] if self.is_member else self.path)

    @property
    def is_member(self) -> bool:
        if self.disk_path is not None:
            return self.member is not None
        return "!" in self.path and not Path(self.path).exists()

    @property
    def member_name(self) -> str:
        return self.member or self.path.split("!", 1)[1]

    def row(self) -> tuple[object, ...]:
        """The ``evidence_locations`` row, in column order."""
        return (
            self.sha256,
            self.path,
            self.bytes,
            self.mtime_ns,
            self.disk_path,
            self.disk_bytes,
            self.member,
            self.replaced_by,
        )


def locate(sha256: str, display: str, size: int) -> Location:
    """The location of a file being ingested now: ``display`` as discovery names it, with
    the current size and modification time of the file on disk."""
    member = None
    disk = display
    if "!" in display and not Path(display).exists():
        disk, member = display.split("!", 1)
    file = Path(disk)
    stat = file.stat()
    return Location(
        sha256, display, size, stat.st_mtime_ns, str(file.absolute()), stat.st_size, member
    )


def recorded_locations(connection: duckdb.DuckDBPyConnection) -> list[Location]:
    """Every location recorded in the case, sorted by path. Evidence entries of cases
    written before locations were recorded count as one location each (no mtime)."""
    tables = _tables(connection)
    found: list[Location] = []
    if "evidence_locations" in tables:
        columns = {
            str(name)
            for (name,) in connection.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_name = 'evidence_locations'"
            ).fetchall()
        }
        wanted = ("disk_path", "disk_bytes", "member", "replaced_by")
        extra = ", ".join(name if name in columns else f"NULL AS {name}" for name in wanted)
        rows = connection.execute(
            f"SELECT sha256, path, bytes, mtime_ns, {extra} FROM evidence_locations"
        ).fetchall()
        found = [
            Location(str(s), str(p), int(b or 0), m, d, db, mem, rep)
            for s, p, b, m, d, db, mem, rep in rows
        ]
    if "evidence" in tables:
        seen = {(loc.sha256, loc.path) for loc in found}
        rows = connection.execute("SELECT sha256, path, bytes FROM evidence").fetchall()
        found += [
            Location(str(s), str(p), int(b or 0))
            for s, p, b in rows
            if s and (str(s), str(p)) not in seen
        ]
    return sorted(found, key=lambda loc: (loc.path, loc.sha256))


def current(locations: Iterable[Location]) -> list[Location]:
    """The locations whose file should still hold the recorded bytes (not replaced by a
    changed file accepted at the same path)."""
    return [loc for loc in locations if loc.replaced_by is None]


@dataclass(frozen=True, slots=True)
class Difference:
    """A recorded location whose file is not as it was at ingest."""

    location: Location
    what: str  # 'missing' | 'size' | 'mtime' | 'size and mtime'

    @property
    def missing(self) -> bool:
        return self.what == "missing"


def differences(locations: Iterable[Location]) -> list[Difference]:
    """The locations whose file is missing or differs in size or mtime (one ``stat`` per
    file on disk: the members of one archive share it)."""
    stats: dict[Path, os.stat_result | None] = {}
    found = []
    for location in current(locations):
        file = location.file
        if file not in stats:
            try:
                stats[file] = file.stat()
            except OSError:
                stats[file] = None
        what = _compare(location, stats[file])
        if what:
            found.append(Difference(location, what))
    return found


def _compare(location: Location, stat: os.stat_result | None) -> str:
    if stat is None:
        return "missing"
    expected = location.disk_bytes
    if expected is None and not location.is_member:
        expected = location.bytes
    size = expected is not None and stat.st_size != expected
    mtime = location.mtime_ns is not None and stat.st_mtime_ns != location.mtime_ns
    return " and ".join(name for name, differs in (("size", size), ("mtime", mtime)) if differs)


def changed_error(changed: list[Difference], case_dir: Path) -> EvidenceChangedError:
    """One sentence naming the first changed file (and how many more), with what to do."""
    first = changed[0]
    others = len(changed) - 1
    more = f" (and {others:,} other evidence file(s))" if others else ""
    return EvidenceChangedError(
        f"evidence {first.location.path} changed since it was ingested "
        f"({first.what} differ{'s' if ' and ' not in first.what else ''}){more}",
        hint=ACCEPT_HINT.format(case=case_dir),
    )


def missing_warning(missing: list[Difference]) -> str:
    """One sentence about evidence files that are gone, for stages that read the case only."""
    first = missing[0].location.path
    others = len(missing) - 1
    more = f" and {others:,} other evidence file(s) are" if others else " is"
    return (
        f"evidence {first}{more} missing (moved or on a disk not mounted); this command reads "
        "the case, not the files, so it goes on: run `mailscope case verify` before relying "
        "on the case as evidence"
    )


def check_recorded(case_dir: Path) -> str | None:
    """Before a stage reads a case: raise when a recorded evidence file changed since it was
    ingested (size or mtime; nothing is read); the warning for recorded files that are
    missing, or None."""
    connection = open_case(case_dir, read_only=True)
    try:
        found = differences(recorded_locations(connection))
    finally:
        connection.close()
    changed = [d for d in found if not d.missing]
    if changed:
        raise changed_error(changed, case_dir)
    missing = [d for d in found if d.missing]
    return missing_warning(missing) if missing else None


def _tables(connection: duckdb.DuckDBPyConnection) -> set[str]:
    rows = connection.execute("SELECT table_name FROM information_schema.tables").fetchall()
    return {str(name) for (name,) in rows}


def backfill(connection: duckdb.DuckDBPyConnection) -> None:
    """Give evidence entries of older cases their location row (no mtime yet), so a later
    ingest can mark or refresh it."""
    connection.execute(
        "INSERT INTO evidence_locations (sha256, path, bytes) "
        "SELECT sha256, path, bytes FROM evidence e WHERE sha256 <> '' AND NOT EXISTS "
        "(SELECT 1 FROM evidence_locations l WHERE l.sha256 = e.sha256 AND l.path = e.path)"
    )


def under(locations: Iterable[Location], roots: Iterable[Path]) -> list[Location]:
    """The locations whose file on disk is one of ``roots`` or inside one of them."""
    folders = [root.resolve() for root in roots]
    return [
        loc for loc in locations if any(loc.file.resolve().is_relative_to(root) for root in folders)
    ]
