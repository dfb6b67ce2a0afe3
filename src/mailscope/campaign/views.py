"""What the campaign view knows of one organisation: its verdict, mailboxes, the actor's
indicators there, the rules that fired and what its case could not see.

An ``OrgView`` is read from an organisation's indicator bundle (``bundle.py``) or from its
case (``case.py``, which reads the same bundle the case's report writes and adds the
records behind each indicator). Times are ISO-8601 UTC text with ``Z``, as in scope.json.
"""

from __future__ import annotations

from dataclasses import dataclass

KINDS = ("ip", "app", "user_agent")  # the indicator kinds organisations are compared on


@dataclass(frozen=True, slots=True)
class Trace:
    """One actor indicator as one organisation saw it."""

    kind: str  # 'ip' | 'app' | 'user_agent'
    value: str
    first_seen: str
    last_seen: str
    records: int
    tier: str = "confirmed"
    # Accounts of that tenant outside the actor that use the value too (-1: not known).
    ordinary_accounts: int = -1
    record_keys: tuple[str, ...] = ()  # a few of the records behind it (cases only)


@dataclass(frozen=True, slots=True)
class Mailbox:
    """A compromised mailbox of one organisation."""

    upn: str
    department: str
    first_access: str
    last_access: str
    exposed_messages: int


@dataclass(frozen=True, slots=True)
class OrgView:
    """One organisation as its case or bundle tells it."""

    name: str
    source: str  # the case folder or bundle file it was read from
    source_kind: str  # 'case' | 'bundle'
    intrusion_found: bool | None  # None: the source does not say
    unassessed: str  # why the source cannot say whether it was hit ('' when it can)
    mailboxes: tuple[Mailbox, ...]
    exposed_messages: int
    traces: tuple[Trace, ...]
    rules: tuple[str, ...]  # rules that fired at high or critical severity
    techniques: tuple[str, ...]  # ATT&CK technique ids of those rules
    blind_spots: tuple[str, ...]
    suspected_mailboxes: int = 0  # mailboxes its case reached on weak links only

    @property
    def first_seen(self) -> str:
        """The actor's first access here ('' when none)."""
        times = [m.first_access for m in self.mailboxes if m.first_access]
        return min(times or [t.first_seen for t in self.traces if t.first_seen] or [""])

    @property
    def last_seen(self) -> str:
        """The actor's last access here ('' when none)."""
        times = [m.last_access for m in self.mailboxes if m.last_access]
        return max(times or [t.last_seen for t in self.traces if t.last_seen] or [""])

    @property
    def departments(self) -> tuple[str, ...]:
        """Departments of the compromised mailboxes, most mailboxes first."""
        counts: dict[str, int] = {}
        for mailbox in self.mailboxes:
            if mailbox.department:
                counts[mailbox.department] = counts.get(mailbox.department, 0) + 1
        return tuple(sorted(counts, key=lambda d: (-counts[d], d)))
