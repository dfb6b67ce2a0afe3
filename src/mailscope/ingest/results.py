"""What ingest did with each evidence file: one manifest entry.

Kept apart from :mod:`mailscope.ingest.pipeline` (readers, DuckDB, Arrow) so commands
that only show results, such as ``mailscope case info``, load without them.
"""

from __future__ import annotations

from dataclasses import dataclass, field


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
