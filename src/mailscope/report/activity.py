"""Mail-access activity over time: the actor's accesses against everyone else's.

Counts ``mail_access`` rows (one per accessed item or synced folder) per time bucket; rows
listed in ``scope_access`` are the actor's, the rest are normal activity. The bucket width
is the smallest of a fixed ladder that keeps the chart under :data:`MAX_BUCKETS` bars.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import duckdb

BUCKET_LADDER = (3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400, 7 * 86400, 30 * 86400)
MAX_BUCKETS = 120


@dataclass(frozen=True, slots=True)
class Bucket:
    """One time slot: ``[start, end)`` with the actor's and everyone else's access counts."""

    start: datetime
    end: datetime
    actor: int
    normal: int


@dataclass(frozen=True, slots=True)
class Activity:
    bucket_seconds: int
    buckets: tuple[Bucket, ...]

    @property
    def actor_total(self) -> int:
        return sum(b.actor for b in self.buckets)

    @property
    def normal_total(self) -> int:
        return sum(b.normal for b in self.buckets)

    @property
    def bucket_label(self) -> str:
        """Human name of the bucket width ("hour", "6 hours", "day" …)."""
        seconds = self.bucket_seconds
        if seconds % 86400 == 0:
            days = seconds // 86400
            return "day" if days == 1 else "week" if days == 7 else f"{days} days"
        hours = seconds // 3600
        return "hour" if hours == 1 else f"{hours} hours"


NO_ACTIVITY = Activity(86400, ())


def bucket_width(first: datetime, last: datetime) -> int:
    """The narrowest ladder width giving at most MAX_BUCKETS buckets over [first, last]."""
    span = (last - first).total_seconds()
    for width in BUCKET_LADDER:
        if span / width < MAX_BUCKETS:
            return width
    return BUCKET_LADDER[-1]


def _epoch_seconds(moment: datetime) -> int:
    return int(moment.replace(tzinfo=UTC).timestamp())


def _from_epoch(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC).replace(tzinfo=None)


def load_activity(connection: duckdb.DuckDBPyConnection, tables: frozenset[str]) -> Activity:
    """Bucketed actor and normal access counts, with empty buckets filled in."""
    sources = [t for t in ("mail_access", "scope_access") if t in tables]
    if not sources:
        return NO_ACTIVITY
    span_sql = " UNION ALL ".join(f"SELECT min(time), max(time) FROM {t}" for t in sources)
    first, last = connection.execute(
        f"SELECT min(m1), max(m2) FROM ({span_sql}) s(m1, m2)"
    ).fetchone()  # type: ignore[misc]
    if first is None or last is None:
        return NO_ACTIVITY
    width = bucket_width(first, last)
    counts: dict[int, list[int]] = {}
    if "scope_access" in tables:
        for slot, n in connection.execute(
            "SELECT floor(epoch(time) / ?)::BIGINT, count(*) FROM scope_access "
            "WHERE time IS NOT NULL GROUP BY 1",
            [width],
        ).fetchall():
            counts.setdefault(int(slot), [0, 0])[0] = int(n)
    if "mail_access" in tables:
        not_actor = (
            "AND NOT EXISTS (SELECT 1 FROM scope_access s WHERE s.record_key = m.record_key)"
            if "scope_access" in tables
            else ""
        )
        for slot, n in connection.execute(
            "SELECT floor(epoch(m.time) / ?)::BIGINT, count(*) FROM mail_access m "
            f"WHERE m.time IS NOT NULL {not_actor} GROUP BY 1",
            [width],
        ).fetchall():
            counts.setdefault(int(slot), [0, 0])[1] = int(n)
    low = _epoch_seconds(first) // width
    high = _epoch_seconds(last) // width
    buckets = tuple(
        Bucket(
            _from_epoch(slot * width),
            _from_epoch((slot + 1) * width),
            *counts.get(slot, (0, 0)),
        )
        for slot in range(low, high + 1)
    )
    return Activity(width, buckets)


def span_label(buckets: tuple[Bucket, ...]) -> str:
    """'2023-05-01 – 2023-06-30' for the chart caption."""
    if not buckets:
        return ""
    last = buckets[-1].end - timedelta(seconds=1)
    return f"{buckets[0].start:%Y-%m-%d} – {last:%Y-%m-%d}"
