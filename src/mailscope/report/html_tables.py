"""The HTML report's data tables: columns, display rows, and their JSON for the page script.

Each table's first page is rendered server-side (readable without JS and in print); the
whole row set is embedded as JSON in a ``<script type="application/json">`` element for
the page's sort/filter/paginate script. Cells are text or integers; evidence text has its
control characters made visible here, so the server-rendered and scripted views match.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import orjson
from markupsafe import Markup

from mailscope.report.report_data import ReportData
from mailscope.report.visible import one_line
from mailscope.scope.blind_spots import BlindSpot

Cell = str | int
PAGE_SIZE = 25


@dataclass(frozen=True, slots=True)
class Column:
    label: str
    kind: str = "text"  # 'text' | 'wide' | 'num' | 'mono' | 'time' (CSS class, sort type)


@dataclass(frozen=True, slots=True)
class Table:
    key: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    empty: str = "None."
    page_size: int = PAGE_SIZE
    # Rows may carry one value past the columns: shown as the row's tooltip, matched by the
    # filter, not given a column (long opaque ids that would crowd the table).
    tooltip: str = ""

    @property
    def width(self) -> int:
        return len(self.columns)

    @property
    def first_page(self) -> tuple[tuple[Cell, ...], ...]:
        return self.rows[: self.page_size]

    @property
    def data_json(self) -> Markup:
        """Rows as JSON safe inside a script element (``<``, ``>``, ``&`` escaped)."""
        text = orjson.dumps(
            {
                "columns": [c.kind for c in self.columns],
                "rows": self.rows,
                "tooltip": bool(self.tooltip),
            }
        )
        safe = (
            text.decode()
            .replace("<", "\\u003c")
            .replace(">", "\\u003e")
            .replace("&", "\\u0026")
            .replace("\u2028", "\\u2028")
            .replace("\u2029", "\\u2029")
        )
        return Markup(safe)  # markup characters escaped above


def when(moment: datetime | None) -> str:
    """Display form of a store time ('' for unknown)."""
    return "" if moment is None else f"{moment:%Y-%m-%d %H:%M}"


def iso_display(text: str) -> str:
    """Display form of a scope.json time ('2023-05-15T03:07:00Z' → '2023-05-15 03:07')."""
    return one_line(text.replace("T", " ")[:16]) if text else ""


# Display names of sensitive-content kinds (scope_exposed_messages.sensitive_kinds).
SENSITIVE_NAMES = {
    "us_ssn": "SSN",
    "credit_card": "card number",
    "itinerary": "itinerary",
    "marking": "marking",
}


def _kinds(values: tuple[str, ...]) -> str:
    return _list(tuple(SENSITIVE_NAMES.get(v, v) for v in values))


def _list(values: tuple[str, ...]) -> str:
    return one_line(", ".join(values))


def mailbox_table(data: ReportData) -> Table:
    columns = (
        Column("Mailbox", "mono"),
        Column("Department"),
        Column("First access", "time"),
        Column("Last access", "time"),
        Column("Exposed", "num"),
        Column("Bind", "num"),
        Column("Sync", "num"),
        Column("Throttled", "num"),
        Column("SSNs", "num"),
        Column("Itineraries", "num"),
        Column("Marked", "num"),
        Column("Why in scope", "wide"),
    )
    rows = tuple(
        (
            one_line(b.upn),
            one_line(b.department),
            iso_display(b.first_access),
            iso_display(b.last_access),
            b.exposed,
            b.bind,
            b.sync,
            b.throttled,
            b.us_ssn,
            b.itinerary,
            b.marked,
            one_line(b.why),
        )
        for b in data.scope.mailboxes
    )
    return Table("mailboxes", columns, rows, "No compromised mailbox in scope.json.")


def suspected_table(data: ReportData) -> Table:
    """Mailboxes reached only through weak links: listed, never counted."""
    columns = (
        Column("Mailbox", "mono"),
        Column("Department"),
        Column("First access", "time"),
        Column("Last access", "time"),
        Column("Records", "num"),
        Column("Why suspected", "wide"),
    )
    rows = tuple(
        (
            one_line(s.upn),
            one_line(s.department),
            iso_display(s.first_access),
            iso_display(s.last_access),
            s.records,
            one_line(s.why),
        )
        for s in data.scope.suspected
    )
    return Table("suspected", columns, rows, "No suspected mailbox.")


def exposed_table(data: ReportData) -> Table:
    columns = (
        Column("Mailbox", "mono"),
        Column("Date", "time"),
        Column("Folder"),
        Column("Sender", "mono"),
        Column("Subject", "wide"),
        Column("Basis"),
        Column("Sensitive"),
    )
    rows = tuple(
        (
            one_line(m.mailbox_upn),
            when(m.date),
            one_line(m.folder_path),
            one_line(m.sender),
            one_line(m.subject) if m.has_content or m.subject else "(content not available)",
            m.basis,
            _kinds(m.sensitive_kinds),
            one_line(m.message_id),
        )
        for m in data.exposed
    )
    return Table(
        "exposed",
        columns,
        rows,
        "No exposed messages listed by the scope stage.",
        tooltip="Message-ID",
    )


def people_table(data: ReportData) -> Table:
    columns = (
        Column("Person", "mono"),
        Column("Name"),
        Column("Department"),
        Column("Why"),
        Column("Mailboxes", "mono"),
        Column("Messages", "num"),
        Column("Data kinds"),
    )
    rows = tuple(
        (
            one_line(p.upn),
            one_line(p.display_name),
            one_line(p.department),
            one_line(p.reason),
            _list(p.mailboxes),
            p.messages,
            _list(p.kinds),
        )
        for p in data.people
    )
    return Table("people", columns, rows, "No people listed by the scope stage.")


ACTOR_KIND_NAMES = {
    "ip": "IP address",
    "app": "Application id",
    "user_agent": "User agent",
    "session": "Session id",
    "token": "Token id",
    "account": "Account used",
}
_SCOPE_ACTOR_KINDS = {
    "ips": "ip",
    "app_ids": "app",
    "user_agents": "user_agent",
    "session_ids": "session",
}


def actor_table(data: ReportData) -> Table:
    """The actor's infrastructure; falls back to scope.json's lists when the table is empty."""
    columns = (
        Column("Kind"),
        Column("Tier"),
        Column("Value", "mono wide"),
        Column("First seen", "time"),
        Column("Last seen", "time"),
        Column("Records", "num"),
        Column("Why attributed", "wide"),
    )
    rows: tuple[tuple[Cell, ...], ...] = tuple(
        (
            ACTOR_KIND_NAMES.get(a.kind, one_line(a.kind)),
            one_line(a.tier),
            one_line(a.value),
            when(a.first_seen),
            when(a.last_seen),
            a.records,
            one_line(a.reason),
        )
        for a in data.actor
    )
    if not rows:
        rows = tuple(
            (ACTOR_KIND_NAMES[kind], "confirmed", one_line(value), "", "", 0, "in scope.json")
            for key, kind in _SCOPE_ACTOR_KINDS.items()
            for value in data.scope.actor.get(key, ())
        )
    return Table("actor", columns, rows, "No actor infrastructure identified.")


def evidence_table(data: ReportData) -> Table:
    columns = (
        Column("File", "mono"),
        Column("Format"),
        Column("SHA-256", "mono id"),
        Column("Bytes", "num"),
        Column("Records", "num"),
        Column("Parsed", "num"),
        Column("Quarantined", "num"),
        Column("Skipped", "num"),
        Column("Duplicates", "num"),
    )
    rows = tuple(
        (
            one_line(e.path),
            one_line(e.format),
            e.sha256,
            e.bytes,
            e.records,
            e.parsed,
            e.quarantined,
            e.skipped,
            e.duplicates,
        )
        for e in data.evidence
    )
    return Table("evidence", columns, rows, "No evidence manifest in the case store.")


def blind_spot_table(data: ReportData) -> Table:
    """Gaps in what the evidence shows (throttling, missing sources, missing ids …)."""
    return _spots("blind", data.gaps, "The scope stage recorded no blind spots.")


def coverage_table(data: ReportData) -> Table:
    """Time span and volume of each log source: what the conclusions rest on."""
    return _spots("coverage", data.coverage, "No coverage recorded.")


def _spots(key: str, spots: tuple[BlindSpot, ...], empty: str) -> Table:
    columns = (
        Column("Kind"),
        Column("Subject", "mono"),
        Column("From", "time"),
        Column("To", "time"),
        Column("Detail", "wide"),
    )
    rows = tuple(
        (
            one_line(b.kind.replace("_", " ")),
            one_line(b.subject),
            when(b.start_time),
            when(b.end_time),
            one_line(b.detail),
        )
        for b in spots
    )
    return Table(key, columns, rows, empty)


def rule_run_table(data: ReportData) -> Table:
    columns = (
        Column("Rule", "mono"),
        Column("Status"),
        Column("Findings", "num"),
        Column("Reason"),
    )
    rows = tuple(
        (one_line(r.rule_id), r.status, r.findings, one_line(r.reason)) for r in data.rule_runs
    )
    return Table("rules", columns, rows, "No detection run recorded.")


def quarantine_table(data: ReportData) -> Table:
    columns = (Column("Format"), Column("Reason"), Column("Records", "num"))
    rows = tuple((one_line(q.format), one_line(q.reason), q.records) for q in data.quarantine)
    return Table("quarantine", columns, rows, "No record was quarantined.")
