"""The one exception family mailscope raises, each carrying where the problem is."""

from __future__ import annotations

from dataclasses import dataclass
from os import PathLike, fspath


@dataclass(frozen=True)
class Location:
    """Where a problem is: a file, folder or case (``path``), the line in it when known
    (1-based), and what on that line (``detail``: an indicator id, an attribute number …).
    Shown as ``path:line (detail)``; kept as data so a caller can sort or link by file."""

    path: str
    line: int | None = None
    detail: str | None = None

    def __str__(self) -> str:
        text = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{text} ({self.detail})" if self.detail else text


Where = Location | str | PathLike[str]


def location_of(where: Where) -> Location:
    """A location from a path (or a ``Location`` as is)."""
    return where if isinstance(where, Location) else Location(fspath(where))


class MailscopeError(Exception):
    """Root of every error mailscope reports to a user.

    ``location`` says where the problem is (a file and line, a case folder, a rule file);
    ``hint`` says what the user can do about it.
    """

    exit_code = 1

    def __init__(self, message: str, *, location: Where | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.location = None if location is None else location_of(location)
        self.hint = hint

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        tail = f" ({self.hint})" if self.hint else ""
        return f"{where}{self.message}{tail}"


class EvidenceError(MailscopeError):
    """An evidence file or folder cannot be read at all (not one bad record: a whole file)."""

    exit_code = 3


class CaseError(MailscopeError):
    """The case folder or its store is missing, locked or from an incompatible version."""

    exit_code = 4


class RuleError(MailscopeError):
    """A detection, Sigma rule or IOC file is malformed."""

    exit_code = 5


class EmptyEvidenceError(MailscopeError):
    """``investigate`` found nothing to analyse: no record could be read from any file, or
    the case holds no mailbox-access evidence (so an empty scope would mean nothing)."""

    exit_code = 6


class UsageError(MailscopeError):
    """The command line asks for something that cannot be done."""

    exit_code = 2


class CaseBusyError(MailscopeError):
    """Another mailscope process is writing the case (one writer at a time)."""

    exit_code = 7


class EvidenceChangedError(MailscopeError):
    """An evidence file differs from what the case manifest recorded (size, time or
    SHA-256), or is missing: the case must not mix it in silently."""

    exit_code = 8
