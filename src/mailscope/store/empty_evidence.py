"""Never silently empty: does the case hold any record at all, and any mailbox access?

A case from which no record could be read, or one with no record of mailbox access (no
MailItemsAccessed audit record, no Graph mail request), gives a clean-looking result that
means nothing: no exposure is found because nothing could show it. ``investigate`` and the
report say so at the top and name every file of which no record could be read.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from mailscope.store.case import column_or, decode_counts

NOTHING_READ = "nothing_read"
NO_MAIL_ACCESS = "no_mail_access"
NAMED_FILES = 20  # unread files named in a warning; the rest are counted

# Mailbox access as the case store holds it: MailItemsAccessed audit records (their Bind
# items and Synced folders in mail_access) and Graph mail requests (messages, mailFolders,
# attachments; the same paths the Graph forged-token rule reads).
_MAIL_ACCESS_SQL = {
    "mail_access": "SELECT 1 FROM mail_access LIMIT 1",
    "audit_events": (
        "SELECT 1 FROM audit_events WHERE lower(operation) = 'mailitemsaccessed' LIMIT 1"
    ),
    "graph_activity": (
        "SELECT 1 FROM graph_activity WHERE lower(request_uri) LIKE '%/messages%' "
        "OR lower(request_uri) LIKE '%/mailfolders%' OR lower(request_uri) LIKE '%/attachments%' "
        "LIMIT 1"
    ),
}


@dataclass(frozen=True, slots=True)
class UnreadFile:
    """An evidence file of which no record could be read: all quarantined or skipped."""

    path: str
    format: str
    records: int
    quarantined: int
    skipped: int
    skipped_reasons: tuple[tuple[str, int], ...] = ()

    @property
    def why(self) -> str:
        """Why nothing was read: ``format; skipped Defender DeviceEvents (…): 5``."""
        if self.records == 0:
            return f"{self.format}; no record in it"
        parts = [self.format]
        if self.quarantined:
            parts.append(f"{self.quarantined:,} quarantined")
        parts += [f"skipped {reason}: {count:,}" for reason, count in self.skipped_reasons]
        return "; ".join(parts)


@dataclass(frozen=True, slots=True)
class EmptyEvidence:
    """Why a case's results would be empty whatever happened: nothing read, or no mail access."""

    kind: str  # NOTHING_READ | NO_MAIL_ACCESS
    files: int
    records: int
    unread: tuple[UnreadFile, ...]

    @property
    def headline(self) -> str:
        if self.kind == NOTHING_READ and self.files == 0:
            return "Nothing to analyse: no evidence file was found."
        if self.kind == NOTHING_READ:
            return (
                f"Nothing to analyse: no record could be read from any of the {self.files:,} "
                f"evidence file(s) ({self.records:,} record(s), all quarantined or skipped)."
            )
        return (
            "No mailbox-access evidence: the case holds no MailItemsAccessed record and no "
            "Graph mail request, so which mailboxes and messages were read cannot be known "
            "and an empty result means nothing."
        )

    @property
    def advice(self) -> str:
        return (
            "Add the Unified Audit Log with MailItemsAccessed records (Purview audit search, "
            "Management Activity API, Sentinel OfficeActivity, Defender CloudAppEvents) or "
            "MicrosoftGraphActivityLogs, and check the files named below."
            if self.unread
            else "Add the Unified Audit Log with MailItemsAccessed records (Purview audit "
            "search, Management Activity API, Sentinel OfficeActivity, Defender "
            "CloudAppEvents) or MicrosoftGraphActivityLogs."
        )

    def lines(self, limit: int = NAMED_FILES) -> list[str]:
        """The warning as plain lines: headline, advice, then each unread file."""
        lines = [self.headline, self.advice]
        lines += [f"no record could be read from {f.path} ({f.why})" for f in self.unread[:limit]]
        if len(self.unread) > limit:
            lines.append(
                f"… and {len(self.unread) - limit:,} more file(s) of which nothing was read"
            )
        return lines


def empty_evidence(connection: duckdb.DuckDBPyConnection) -> EmptyEvidence | None:
    """Why the case has nothing to show, or None when it holds records and mail access."""
    tables = {
        str(name)
        for (name,) in connection.execute(
            "SELECT table_name FROM information_schema.tables"
        ).fetchall()
    }
    if "evidence" not in tables:
        return EmptyEvidence(NOTHING_READ, 0, 0, ())
    totals = connection.execute(
        "SELECT count(*), coalesce(sum(records), 0), coalesce(sum(parsed + duplicates), 0) "
        "FROM evidence"
    ).fetchone()
    files, records, read = (int(v) for v in totals) if totals else (0, 0, 0)
    unread = _unread_files(connection)
    if read == 0:
        return EmptyEvidence(NOTHING_READ, files, records, unread)
    if any(
        connection.execute(sql).fetchone() is not None
        for table, sql in _MAIL_ACCESS_SQL.items()
        if table in tables
    ):
        return None
    return EmptyEvidence(NO_MAIL_ACCESS, files, records, unread)


def _unread_files(connection: duckdb.DuckDBPyConnection) -> tuple[UnreadFile, ...]:
    skipped = column_or(connection, "evidence", "skipped", "0")
    reasons = column_or(connection, "evidence", "skipped_reasons", "'{}'")
    rows = connection.execute(
        f"SELECT path, format, records, quarantined, {skipped}, {reasons} FROM evidence "
        "WHERE coalesce(parsed, 0) + coalesce(duplicates, 0) = 0 ORDER BY path, sha256"
    ).fetchall()
    return tuple(
        UnreadFile(
            str(path),
            str(fmt or ""),
            int(n or 0),
            int(q or 0),
            int(s or 0),
            tuple(decode_counts(why).items()),
        )
        for path, fmt, n, q, s, why in rows
    )
