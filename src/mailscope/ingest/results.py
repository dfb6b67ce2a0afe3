"""What ingest did with each evidence file: one manifest entry.

Kept apart from :mod:`mailscope.ingest.pipeline` (readers, DuckDB, Arrow) so commands
that only show results, such as ``mailscope case info``, load without them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mailscope.store.journal import Interruption

UNRECOGNISED = "unrecognised"
REFUSED = "refused"
ANOTHER_LOCATION = "another location"


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
    # 'ingested' | 'already in case' | 'another location' | 'unrecognised' | 'refused'
    status: str = "ingested"
    note: str = ""
    skipped: int = 0
    # Why records were skipped, with how many: {"Defender DeviceEvents (endpoint telemetry)": 5}
    skipped_reasons: dict[str, int] = field(default_factory=dict)

    def skip(self, reason: str, count: int = 1) -> None:
        """Count ``count`` records skipped for ``reason``."""
        self.skipped += count
        self.skipped_reasons[reason] = self.skipped_reasons.get(reason, 0) + count


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
    # Runs found interrupted when this one started (their partial files were discarded).
    interrupted: list[Interruption] = field(default_factory=list)

    @property
    def records(self) -> int:
        return sum(f.records for f in self.files)

    @property
    def quarantined(self) -> int:
        return sum(f.quarantined for f in self.files)

    @property
    def skipped(self) -> int:
        return sum(f.skipped for f in self.files)
