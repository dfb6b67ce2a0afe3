"""CSV exports safe to open in Excel: exposed messages, mailboxes, people to notify, findings.

Every cell goes through :func:`neutralise_cell`, the one formula-injection guard: a text
cell that a spreadsheet would evaluate (leading ``=``, ``+``, ``-``, ``@``, tab or CR) is
prefixed with an apostrophe, as OWASP's "CSV Injection" guidance recommends. No cell
exceeds Excel's 32,767-character limit: a list longer than :data:`LISTED` values becomes
its count and first values (the full list is in ``findings.jsonl`` / ``scope.json``), and
any other text is cut with a note saying so.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path

from mailscope.report.report_data import ReportData, iso
from mailscope.report.visible import visible

# Characters that make Excel/LibreOffice/Sheets treat a cell as a formula or DDE call.
# Full-width variants are included: some spreadsheet builds fold them to ASCII.
FORMULA_TRIGGERS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")

Cell = str | int | float | bool | None
# Excel's cell limit ("Excel specifications and limits": 32,767 characters per cell).
CELL_LIMIT = 32_767
LISTED = 20
_CUT = " … [cut at Excel's cell limit; the full value is in the JSON exports]"


def neutralise_cell(value: Cell) -> str:
    """Render one cell as inert text; numbers stay numbers, formula-like text gets a ``'``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    text = visible(value)
    if text and text[0] in FORMULA_TRIGGERS:
        text = "'" + text
    if len(text) > CELL_LIMIT:
        text = text[: CELL_LIMIT - len(_CUT)] + _CUT
    return text


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> Path:
    """Write a UTF-8 (with BOM, for Excel) CSV with every cell neutralised; return the path."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow([neutralise_cell(name) for name in header])
        for row in rows:
            writer.writerow([neutralise_cell(cell) for cell in row])
    return path


def _joined(values: Sequence[str]) -> str:
    """A list as one cell: every value, or past :data:`LISTED` its count and the first ones."""
    if len(values) <= LISTED:
        return "; ".join(values)
    shown = "; ".join(values[:LISTED])
    return f"{len(values):,} values (full list in the JSON exports): {shown}; …"


def write_exposed_messages(data: ReportData, out: Path) -> Path:
    """One row per exposed message, grouped by mailbox (the list a mailbox owner reviews)."""
    header = (
        "mailbox",
        "department",
        "message_id",
        "basis",
        "folder",
        "date",
        "sender",
        "subject",
        "content_available",
        "us_ssn",
        "itinerary",
        "marking",
        "sensitive_kinds",
    )
    departments = data.department_of
    rows = (
        (
            m.mailbox_upn,
            departments.get(m.mailbox_upn, ""),
            m.message_id,
            m.basis,
            m.folder_path,
            iso(m.date),
            m.sender,
            m.subject,
            m.has_content,
            m.us_ssn,
            m.has_itinerary,
            m.has_marking,
            _joined(m.sensitive_kinds),
        )
        for m in data.exposed
    )
    return write_csv(out / "exposed_messages.csv", header, rows)


def write_mailboxes(data: ReportData, out: Path) -> Path:
    """One row per compromised mailbox with its exposure counts (from scope.json)."""
    header = (
        "mailbox",
        "department",
        "first_access",
        "last_access",
        "exposed_messages",
        "bind",
        "sync",
        "throttled",
        "us_ssn",
        "itinerary_messages",
        "marked_messages",
        "why_in_scope",
    )
    rows = (
        (
            b.upn,
            b.department,
            b.first_access,
            b.last_access,
            b.exposed,
            b.bind,
            b.sync,
            b.throttled,
            b.us_ssn,
            b.itinerary,
            b.marked,
            b.why,
        )
        for b in data.scope.mailboxes
    )
    return write_csv(out / "mailboxes.csv", header, rows)


def write_people(data: ReportData, out: Path) -> Path:
    """People whose mail or personal data was exposed: the notification list."""
    header = ("upn", "display_name", "department", "reason", "mailboxes", "messages", "kinds")
    rows = (
        (
            p.upn,
            p.display_name,
            p.department,
            p.reason,
            _joined(p.mailboxes),
            p.messages,
            _joined(p.kinds),
        )
        for p in data.people
    )
    return write_csv(out / "people_to_notify.csv", header, rows)


def write_findings_csv(data: ReportData, out: Path) -> Path:
    """One row per finding, most severe first."""
    header = (
        "finding_id",
        "severity",
        "rule_id",
        "title",
        "confidence",
        "attack_ids",
        "first_seen",
        "last_seen",
        "mailboxes",
        "users",
        "apps",
        "ips",
        "sessions",
        "explanation",
    )
    rows = (
        (
            f.finding_id,
            f.severity,
            f.rule_id,
            f.title,
            f.confidence,
            _joined(f.attack_ids),
            iso(f.first_seen),
            iso(f.last_seen),
            _joined(f.mailboxes),
            _joined(f.users),
            _joined(f.apps),
            _joined(f.ips),
            _joined(f.sessions),
            f.explanation,
        )
        for f in data.findings
    )
    return write_csv(out / "findings.csv", header, rows)


def write_csvs(data: ReportData, out: Path) -> list[Path]:
    """All CSV exports."""
    return [
        write_exposed_messages(data, out),
        write_mailboxes(data, out),
        write_people(data, out),
        write_findings_csv(data, out),
    ]
