"""Build the RuleContext of a run: the analysis period, the learning window, ``detect_window``.

Baselines are learned from the evidence itself: the period is the span of the activity
tables, and unless the responder names a ``--baseline-until`` date the learning window is
the first part of that period (:data:`BASELINE_SHARE`). Rules read the three instants from
the one-row ``detect_window`` table so their SQL stays engine-neutral.
"""

from __future__ import annotations

from datetime import datetime

import pyarrow as pa

from mailscope.detect.rule import RuleContext, SqlConnection
from mailscope.intel.addresses import identifies

ACTIVITY_TABLES = ("audit_events", "mail_access", "signins", "graph_activity")
ADDRESS_COLUMNS = (
    ("audit_events", "client_ip"),
    ("mail_access", "client_ip"),
    ("signins", "ip"),
    ("graph_activity", "ip"),
)
BASELINE_SHARE = 1 / 3
"""Fraction of the evidence period used to learn what is normal when no date is given."""


def evidence_period(connection: SqlConnection) -> tuple[datetime | None, datetime | None]:
    """First and last activity time over the activity tables (None when all are empty)."""
    union = " UNION ALL ".join(
        f"SELECT min(time) AS lo, max(time) AS hi FROM {table}" for table in ACTIVITY_TABLES
    )
    rows = connection.execute(f"SELECT min(lo), max(hi) FROM ({union})").fetchall()
    return (rows[0][0], rows[0][1]) if rows else (None, None)


def default_baseline_until(start: datetime | None, end: datetime | None) -> datetime | None:
    """End of the learning window: the first third of the period."""
    if start is None or end is None:
        return None
    return start + (end - start) * BASELINE_SHARE


def build_context(connection: SqlConnection, baseline_until: datetime | None = None) -> RuleContext:
    """Resolve the window, (re)register ``detect_window`` and return the context."""
    start, end = evidence_period(connection)
    until = baseline_until if baseline_until is not None else default_baseline_until(start, end)
    instant = pa.timestamp("us")
    window = pa.table(
        {
            "baseline_until": pa.array([until], instant),
            "period_start": pa.array([start], instant),
            "period_end": pa.array([end], instant),
        }
    )
    connection.register("detect_window", window)
    build_service_addresses(connection)
    return RuleContext(connection, until, start, end)


def build_service_addresses(connection: SqlConnection) -> None:
    """``detect_service_ips``: the case's client addresses that identify no client
    (Microsoft 365 service ranges, non-public networks), for rules to leave out."""
    union = " UNION ".join(
        f"SELECT DISTINCT {column} AS ip FROM {table} WHERE {column} IS NOT NULL"
        for table, column in ADDRESS_COLUMNS
    )
    ips = [str(row[0]) for row in connection.execute(union).fetchall()]
    service = sorted(ip for ip in ips if not identifies(ip))
    connection.register("detect_service_ips", pa.table({"ip": pa.array(service, pa.string())}))
