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

from mailscope.detect.apps import client_app_sql, first_party_apps, sql_list
from mailscope.detect.backing import UNKNOWN_REASONS
from mailscope.detect.rules.new_app import MIN_HISTORY_DAYS
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
    spots += _skipped_rules(connection)
    spots += _young_apps(connection)
    spots += _unaudited_accounts(connection)
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
    """MailItemsAccessed records whose token no judgement could be made of, by reason."""
    rows = connection.execute(
        "SELECT a.unknown_reason, count(DISTINCT m.event_key), min(a.time), max(a.time), "
        "any_value(t.total) FROM _activity a JOIN mail_access m USING (record_key) "
        "CROSS JOIN (SELECT count(DISTINCT event_key) AS total FROM mail_access) t "
        "WHERE a.source = 'mail_access' AND a.backing = 'unknown' "
        "GROUP BY a.unknown_reason ORDER BY a.unknown_reason"
    ).fetchall()
    spots = _judgement_summary(connection)
    for reason, missing, first, last, total in rows:
        kind = "no_token_ids" if reason == "no_ids" else "unjudged_tokens"
        share = missing / total if total else 0.0
        spots.append(
            BlindSpot(
                kind,
                "mail_access",
                first,
                last,
                f"{missing} of {total} MailItemsAccessed records ({share:.1%}) cannot be tied "
                f"to a sign-in or judged forged: {UNKNOWN_REASONS.get(str(reason), reason)}",
            )
        )
    return spots


def _judgement_summary(connection: duckdb.DuckDBPyConnection) -> list[BlindSpot]:
    """What the forged-token judgement could check: records backed, forged and unknown."""
    row = connection.execute(
        "SELECT count(DISTINCT m.event_key) FILTER (WHERE a.backing = 'backed'), "
        "count(DISTINCT m.event_key) FILTER (WHERE a.backing = 'forged'), "
        "count(DISTINCT m.event_key) FILTER (WHERE a.backing = 'unknown'), min(a.time), "
        "max(a.time) FROM _activity a JOIN mail_access m USING (record_key) "
        "WHERE a.source = 'mail_access'"
    ).fetchone()
    if not row or not any(row[:3]):
        return []
    backed, forged, unknown, first, last = row
    detail = (
        f"MailItemsAccessed tokens judged against the sign-in logs: {backed} record(s) backed "
        f"by a sign-in, {forged} with ids no sign-in issued, {unknown} could not be judged"
    )
    return [BlindSpot("coverage", "token_judgement", first, last, detail)]


def _young_apps(connection: duckdb.DuckDBPyConnection) -> list[BlindSpot]:
    """Third-party apps that read mail too early in the evidence to judge whether they are
    new: the "new app reads mail" detection needs a history before the first read."""
    first_party = sql_list(list(first_party_apps()))
    rows = connection.execute(
        f"WITH reads AS (SELECT {client_app_sql()} AS app, time FROM mail_access), "
        "since AS (SELECT min(time) AS t FROM mail_access) "
        "SELECT app, min(time), max(time), count(*) FROM reads, since WHERE app IS NOT NULL "
        f"AND app NOT IN {first_party} GROUP BY app, since.t "
        f"HAVING min(time) < since.t + INTERVAL '{MIN_HISTORY_DAYS}' DAY ORDER BY app"
    ).fetchall()
    return [
        BlindSpot(
            "no_baseline",
            str(app),
            first,
            last,
            f"app {app} read mail ({count:,} record(s)) from within the first {MIN_HISTORY_DAYS} "
            "days of the evidence: too little history to tell whether it is new to the tenant",
        )
        for app, first, last, count in rows
    ]


def _skipped_rules(connection: duckdb.DuckDBPyConnection) -> list[BlindSpot]:
    """Detections that could not run (no baseline, a log source absent)."""
    return [
        BlindSpot("rule_skipped", str(rule_id), None, None, str(reason))
        for rule_id, reason in connection.execute(
            "SELECT rule_id, reason FROM rule_runs WHERE status = 'skipped' "
            "AND reason <> 'disabled' ORDER BY rule_id"
        ).fetchall()
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


def _unaudited_accounts(connection: duckdb.DuckDBPyConnection) -> list[BlindSpot]:
    """Accounts the actor signed in as or acted through whose mailbox has no
    MailItemsAccessed in the evidence at all (mailbox auditing off, a licence without the
    record type, an export filtered by operation): what was read there is unknown, which
    is not "0 messages read"."""
    rows = connection.execute(
        "SELECT a.value, a.first_seen, a.last_seen FROM scope_actor a "
        "WHERE a.kind = 'account' AND a.tier = 'confirmed' AND NOT EXISTS "
        "(SELECT 1 FROM mail_access m WHERE lower(m.mailbox_upn) = lower(a.value)) "
        "ORDER BY a.value"
    ).fetchall()
    return [
        BlindSpot(
            "mail_reads_not_audited",
            str(upn),
            first,
            last,
            "the actor used this account, but the evidence holds no MailItemsAccessed for "
            "its mailbox (auditing off, no licence for the record, or an export filtered by "
            "operation): what was read there cannot be known - not 0 messages read",
        )
        for upn, first, last in rows
    ]
