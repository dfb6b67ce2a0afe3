"""What could not be seen: logging gaps, throttled windows, records without token ids,
evidence coverage, absent sources and mailboxes without content.

Each blind spot is one ``scope_blind_spots`` row; the report shows them next to the scope
so that "no exposure found" is never read as "no exposure happened".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise

import duckdb

from mailscope.scope.exposure import MailboxExposure

# Owners routinely leave mail untouched over a weekend; longer silences are gaps.
AUDIT_GAP = timedelta(hours=72)
SOURCES: dict[str, str] = {
    "audit_events": "no unified audit log: mail access and mailbox changes cannot be seen",
    "mail_access": "no MailItemsAccessed records: which messages were read cannot be seen",
    "signins": "no sign-in logs: the forged-token anti-join (ids in no sign-in) could not run",
    "graph_activity": "no Graph activity logs: mail read through Graph REST is not visible",
    "directory_users": "no directory export: departments and people cannot be resolved",
    "messages": "no mailbox content: Sync and throttled exposure cannot be expanded to "
    "messages and sensitive content cannot be assessed",
}


@dataclass(frozen=True, slots=True)
class BlindSpot:
    """One row of ``scope_blind_spots``."""

    kind: str
    subject: str
    start_time: datetime | None
    end_time: datetime | None
    detail: str


def find_blind_spots(
    connection: duckdb.DuckDBPyConnection, boxes: list[MailboxExposure]
) -> list[BlindSpot]:
    """Every blind spot of the case, in a stable order."""
    spots = _coverage(connection)
    spots += _token_share(connection)
    for box in boxes:
        spots += _audit_gaps(connection, box.upn)
        for start, end in box.throttle_windows:
            spots.append(
                BlindSpot(
                    "throttled_window",
                    box.upn,
                    start,
                    end,
                    "IsThrottled: Bind reads were not logged for 24 h",
                )
            )
        if not box.has_content:
            spots.append(
                BlindSpot(
                    "no_content",
                    box.upn,
                    box.first_access,
                    box.last_access,
                    f"{len(box.exposed)} message id(s) known from the logs only; "
                    "Sync/throttled expansion and sensitive content not assessed",
                )
            )
    return spots


def _coverage(connection: duckdb.DuckDBPyConnection) -> list[BlindSpot]:
    spots: list[BlindSpot] = []
    for table, absent in SOURCES.items():
        column = "date" if table == "messages" else "time"
        if table == "directory_users":
            count = connection.execute(f"SELECT count(*) FROM {table}").fetchall()[0]
            lo = hi = None
            total = int(count[0]) if count else 0
        else:
            row = connection.execute(
                f"SELECT count(*), min({column}), max({column}) FROM {table}"
            ).fetchall()[0]
            total, lo, hi = (int(row[0]), row[1], row[2]) if row else (0, None, None)
        if total == 0:
            spots.append(BlindSpot("source_absent", table, None, None, absent))
        else:
            spots.append(BlindSpot("coverage", table, lo, hi, f"{total} record(s)"))
    return spots


def _token_share(connection: duckdb.DuckDBPyConnection) -> list[BlindSpot]:
    row = connection.execute(
        "SELECT count(DISTINCT event_key), count(DISTINCT event_key) FILTER "
        "(WHERE coalesce(unique_token_id, '') = '' AND coalesce(aad_session_id, '') = '' "
        "AND coalesce(session_id, '') = ''), min(time), max(time) FROM mail_access"
    ).fetchall()[0]
    if not row or not row[0]:
        return []
    total, missing = int(row[0]), int(row[1])
    share = missing / total
    return [
        BlindSpot(
            "no_token_ids",
            "mail_access",
            row[2],
            row[3],
            f"{missing} of {total} MailItemsAccessed records ({share:.1%}) carry no "
            "session or token id and cannot be tied to a sign-in",
        )
    ]


def _audit_gaps(connection: duckdb.DuckDBPyConnection, upn: str) -> list[BlindSpot]:
    bounds = connection.execute("SELECT min(time), max(time) FROM audit_events").fetchall()[0]
    if not bounds or bounds[0] is None:
        return []
    times = [
        row[0]
        for row in connection.execute(
            "SELECT DISTINCT time FROM audit_events WHERE lower(mailbox_upn) = ? "
            "OR lower(user_id) = ? ORDER BY time",
            [upn, upn],
        ).fetchall()
    ]
    edges = [bounds[0], *times, bounds[1]]
    return [
        BlindSpot(
            "audit_gap", upn, a, b, f"no audit records for {(b - a).total_seconds() / 3600:.0f} h"
        )
        for a, b in pairwise(edges)
        if b - a > AUDIT_GAP
    ]
