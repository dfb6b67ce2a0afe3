"""What a reader is and what it yields.

A reader turns one evidence file into a stream of items: ``Parsed`` (one source record,
normalised into one or more table rows), ``Bad`` (a record it could not understand,
quarantined with its line and raw text) or ``Skipped`` (a record it recognised as data
mailscope does not analyse, such as endpoint telemetry: counted by reason, not stored).
Every record read yields exactly one item, so
``records = parsed + quarantined + duplicates + skipped`` holds per file.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO, Protocol

from mailscope.model.row import Row


@dataclass(frozen=True, slots=True)
class Parsed:
    """One source record. ``rows[0]`` is the primary row: its key decides duplicates."""

    line: int
    rows: tuple[Row, ...]


@dataclass
class Bad(Exception):  # noqa: N818 - an item readers yield first, raised only inside mappers
    """A record that could not be understood: kept whole in quarantine with its line and the
    reason, never dropped.

    The one way to reject a record. A reader yields it as an item; mapping code deep inside
    a reader raises it (``raise Bad.because("…")``), and the reader loop that catches it
    adds the line and the raw text (:meth:`at`). The pipeline adds the file (path and
    SHA-256) when it stores the quarantine row.
    """

    line: int
    reason: str
    raw: str = ""

    @classmethod
    def because(cls, reason: str) -> Bad:
        """A rejection raised where the record's line and raw text are not known."""
        return cls(0, reason)

    def at(self, line: int, raw: str) -> Bad:
        """This rejection, placed at ``line`` of its file with the record's raw text."""
        return Bad(line, self.reason, raw)

    def __str__(self) -> str:
        return self.reason


@dataclass(frozen=True, slots=True)
class Skipped:
    """A record recognised as data mailscope does not analyse; ``reason`` names what it is
    (``Defender DeviceEvents (endpoint telemetry)``) and is counted per file."""

    line: int
    reason: str


Item = Parsed | Bad | Skipped


@dataclass(frozen=True, slots=True)
class Source:
    """An evidence file, opened read-only on demand.

    ``display`` is the path shown to users (``archive.zip!inner/path`` for zip members);
    ``parts`` are the path components below the root the user named, which the mailbox
    readers use (``jane@x/Inbox/Travel/1.eml``). ``opener`` returns a fresh binary stream.
    """

    display: str
    parts: tuple[str, ...]
    size: int
    sha256: str
    head: bytes
    opener: OpenFn = field(repr=False)

    def open(self) -> BinaryIO:
        """A fresh read-only binary stream over the whole file."""
        return self.opener()

    @property
    def name(self) -> str:
        return self.parts[-1] if self.parts else self.display


class OpenFn(Protocol):
    def __call__(self) -> BinaryIO: ...


class Reader(Protocol):
    """A source format. ``name`` is the format id stored in the manifest."""

    name: str

    def sniff(self, head: bytes, filename: str) -> bool:
        """True when the first bytes of the file (up to 64 KiB) are this format."""
        ...

    def read(self, source: Source) -> Iterator[Item]:
        """Yield one item per source record, in file order."""
        ...
