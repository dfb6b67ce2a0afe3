"""Exposed messages with their content metadata and what each one exposes.

:data:`CONTENT_SQL` is the one query that pairs each exposed (mailbox, message id) with its
copy in ``messages`` and the text to scan; a :data:`ContentScan` runs it and scans the text
where the data is: :func:`store_scan` in the case store (the default), or
:func:`mailscope.spark.sensitive_scan.spark_scan` on Spark executors.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import duckdb
import pyarrow as pa

from mailscope.scope.exposure import MailboxExposure
from mailscope.scope.sensitive.columns import scan_column, sensitivity_of
from mailscope.scope.sensitive.scan import Sensitivity

PAIRS = "_exposed_pairs"
"""The view of exposed (mailbox, message_id) pairs :data:`CONTENT_SQL` reads."""

CONTENT_SQL = f"""
SELECT mailbox, message_id, folder_path, date, subject, sender, present, text FROM (
    SELECT p.mailbox, p.message_id, m.folder_path, m.date, m.subject, m.sender,
        m.message_id IS NOT NULL AS present,
        CASE WHEN m.message_id IS NOT NULL
             THEN coalesce(m.subject, '') || chr(10) || coalesce(m.body_text, '')
             ELSE '' END AS text,
        row_number() OVER (PARTITION BY p.mailbox, p.message_id
                           ORDER BY m.folder_path, m.record_key) AS copy
    FROM {PAIRS} p LEFT JOIN messages m
      ON lower(m.mailbox_upn) = p.mailbox AND m.message_id = p.message_id
) WHERE copy = 1
"""
"""One row per exposed pair: its first stored copy (by folder, then record) and the text
to scan (subject and body; empty when the message is not in the case)."""

ScannedRow = tuple[str, str, str | None, datetime | None, str | None, str | None, bool, Sensitivity]
"""mailbox, message_id, folder_path, date, subject, sender, present, sensitivity."""

ContentScan = Callable[[pa.Table], list[ScannedRow]]
"""Runs :data:`CONTENT_SQL` over the given pairs (columns mailbox, message_id) and scans
each row's text; rows in any order."""


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


def store_scan(connection: duckdb.DuckDBPyConnection) -> ContentScan:
    """The content scan in the case store, on this process."""

    def scan(pairs: pa.Table) -> list[ScannedRow]:
        connection.register(PAIRS, pairs)
        try:
            table = connection.sql(CONTENT_SQL).to_arrow_table()
        finally:
            connection.unregister(PAIRS)
        if table is None:  # pragma: no cover - a SELECT always has a result
            raise RuntimeError("DuckDB returned no result for the exposed messages")
        found = scan_column(table.column("text"))
        return scanned_rows(table.drop_columns(["text"]).append_column("sensitivity", found))

    return scan


def scanned_rows(table: pa.Table) -> list[ScannedRow]:
    """Rows of a :data:`CONTENT_SQL` result whose ``text`` was replaced by ``sensitivity``."""
    return [
        (
            str(row["mailbox"]),
            str(row["message_id"]),
            row["folder_path"],
            row["date"],
            row["subject"],
            row["sender"],
            bool(row["present"]),
            sensitivity_of(row["sensitivity"]),
        )
        for row in table.to_pylist()
    ]


def exposed_messages(
    connection: duckdb.DuckDBPyConnection,
    boxes: list[MailboxExposure],
    scan: ContentScan | None = None,
) -> list[ExposedMessage]:
    """Every exposed message, sorted by mailbox and id, scanned when its content is present
    (by ``scan``; in the case store by default)."""
    pairs = sorted({(box.upn, mid) for box in boxes for mid in box.exposed})
    table = pa.table(
        {"mailbox": [p[0] for p in pairs], "message_id": [p[1] for p in pairs]},
        schema=pa.schema([("mailbox", pa.string()), ("message_id", pa.string())]),
    )
    rows = sorted((scan or store_scan(connection))(table), key=lambda row: (row[0], row[1]))
    by_upn = {box.upn: box for box in boxes}
    return [
        ExposedMessage(
            mailbox,
            message_id,
            by_upn[mailbox].basis_of(message_id),
            folder,
            date,
            subject,
            sender,
            present,
            sensitivity,
        )
        for mailbox, message_id, folder, date, subject, sender, present, sensitivity in rows
    ]
