"""Which messages of each compromised mailbox the actor could read (DESIGN.md rule).

exposed = Bind message ids
        ∪ messages of a Synced folder (that folder, not its subfolders) dated at or before
          the Sync
        ∪ every message dated at or before the end of a throttled 24 h window that began
          after the actor's first access to the mailbox.
While a mailbox is throttled (more than 1,000 MailItemsAccessed records in 24 h) Exchange
stops logging Bind for 24 h, so everything up to the window's end counts as read (Purview
docs, "Use MailItemsAccessed to investigate compromised accounts").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import duckdb

THROTTLE_WINDOW = timedelta(hours=24)
BASES = ("bind", "sync", "throttled")  # strongest first


@dataclass
class MailboxExposure:
    """One compromised mailbox: the actor's first and last access and the exposed ids per basis."""

    upn: str
    first_access: datetime
    last_access: datetime
    bases: dict[str, set[str]] = field(default_factory=lambda: {b: set() for b in BASES})
    throttle_windows: list[tuple[datetime, datetime]] = field(default_factory=list)
    has_content: bool = False

    @property
    def exposed(self) -> set[str]:
        """The union of all bases."""
        return self.bases["bind"] | self.bases["sync"] | self.bases["throttled"]

    def basis_of(self, message_id: str) -> str:
        """The strongest basis a message is exposed on (Bind is direct evidence)."""
        return next(b for b in BASES if message_id in self.bases[b])


def compute_exposure(connection: duckdb.DuckDBPyConnection) -> list[MailboxExposure]:
    """Exposure of every mailbox the actor's MailItemsAccessed records touched, by UPN."""
    connection.execute(
        "CREATE OR REPLACE TEMP TABLE _actor_mail AS SELECT m.*, lower(m.mailbox_upn) AS mailbox "
        "FROM mail_access m WHERE m.record_key IN "
        "(SELECT record_key FROM _actor_rows WHERE source = 'mail_access' AND tier = 'confirmed') "
        "AND m.mailbox_upn IS NOT NULL"
    )
    boxes = {
        upn: MailboxExposure(upn, first, last)
        for upn, first, last in connection.execute(
            "SELECT mailbox, min(time), max(time) FROM _actor_mail "
            "GROUP BY mailbox ORDER BY mailbox"
        ).fetchall()
    }
    for upn in _query_column(
        connection, "SELECT DISTINCT lower(mailbox_upn) FROM messages ORDER BY 1"
    ):
        if upn in boxes:
            boxes[upn].has_content = True
    for upn, message_id in connection.execute(
        "SELECT DISTINCT mailbox, message_id FROM _actor_mail "
        "WHERE access_type = 'Bind' AND message_id IS NOT NULL AND message_id <> ''"
    ).fetchall():
        boxes[upn].bases["bind"].add(message_id)
    for upn, message_id in connection.execute(
        "SELECT DISTINCT s.mailbox, m.message_id FROM _actor_mail s JOIN messages m "
        "ON lower(m.mailbox_upn) = s.mailbox AND lower(m.folder_path) = lower(s.folder_path) "
        "AND m.date <= s.time WHERE s.access_type = 'Sync' AND m.message_id IS NOT NULL"
    ).fetchall():
        boxes[upn].bases["sync"].add(message_id)
    _add_throttled(connection, boxes)
    return [boxes[upn] for upn in sorted(boxes)]


def throttle_windows(times: list[datetime]) -> list[datetime]:
    """Window starts: the first IsThrottled record opens a 24 h window, records inside it
    belong to it, and a later one opens the next."""
    starts: list[datetime] = []
    for when in sorted(times):
        if not starts or when > starts[-1] + THROTTLE_WINDOW:
            starts.append(when)
    return starts


def _add_throttled(
    connection: duckdb.DuckDBPyConnection, boxes: dict[str, MailboxExposure]
) -> None:
    stamps: dict[str, list[datetime]] = {}
    for upn, when in connection.execute(
        "SELECT DISTINCT lower(mailbox_upn), time FROM mail_access WHERE is_throttled "
        "AND lower(mailbox_upn) IN (SELECT DISTINCT mailbox FROM _actor_mail)"
    ).fetchall():
        stamps.setdefault(upn, []).append(when)
    for upn, times in sorted(stamps.items()):
        box = boxes[upn]
        for start in throttle_windows(times):
            end = start + THROTTLE_WINDOW
            box.throttle_windows.append((start, end))
            if start <= box.first_access:
                continue  # a window that opened before the actor arrived says nothing
            box.bases["throttled"].update(
                _query_column(
                    connection,
                    "SELECT DISTINCT message_id FROM messages WHERE lower(mailbox_upn) = ? "
                    "AND date <= ? AND message_id IS NOT NULL",
                    [upn, end],
                )
            )


def _query_column(
    connection: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None
) -> list[str]:
    return [str(row[0]) for row in connection.execute(sql, params or []).fetchall()]
