"""Exposed messages with their content metadata and what each one exposes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb
import pyarrow as pa

from mailscope.scope.exposure import MailboxExposure
from mailscope.scope.sensitive.scan import Sensitivity, scan_text


@dataclass(frozen=True, slots=True)
class ExposedMessage:
    """One exposed message of one mailbox (content fields are None when not in the case)."""

    mailbox: str
    message_id: str
    basis: str
    folder_path: str | None
    date: datetime | None
    subject: str | None
    sender: str | None
    has_content: bool
    sensitivity: Sensitivity


def exposed_messages(
    connection: duckdb.DuckDBPyConnection, boxes: list[MailboxExposure]
) -> list[ExposedMessage]:
    """Every exposed message, sorted by mailbox and id, scanned when its content is present."""
    pairs = sorted((box.upn, mid) for box in boxes for mid in box.exposed)
    connection.register(
        "_exposed_pairs",
        pa.table({"mailbox": [p[0] for p in pairs], "message_id": [p[1] for p in pairs]}),
    )
    try:
        rows = connection.execute(
            "SELECT p.mailbox, p.message_id, m.folder_path, m.date, m.subject, m.sender, "
            "m.body_text, m.message_id IS NOT NULL FROM _exposed_pairs p LEFT JOIN messages m "
            "ON lower(m.mailbox_upn) = p.mailbox AND m.message_id = p.message_id "
            "QUALIFY row_number() OVER (PARTITION BY p.mailbox, p.message_id "
            "ORDER BY m.folder_path, m.record_key) = 1 ORDER BY p.mailbox, p.message_id"
        ).fetchall()
    finally:
        connection.unregister("_exposed_pairs")
    by_upn = {box.upn: box for box in boxes}
    result: list[ExposedMessage] = []
    for mailbox, message_id, folder, date, subject, sender, body, present in rows:
        text = f"{subject or ''}\n{body or ''}" if present else ""
        result.append(
            ExposedMessage(
                mailbox,
                message_id,
                by_upn[mailbox].basis_of(message_id),
                folder,
                date,
                subject,
                sender,
                bool(present),
                scan_text(text),
            )
        )
    return result
