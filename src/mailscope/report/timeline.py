"""``timeline.jsonl`` in Timesketch's JSONL import format.

One event per actor mail access, per finding, and per audit event tied to the actor
(by session, IP, or as a finding's evidence record). Each line has Timesketch's required
``message``, ``datetime`` (ISO-8601) and ``timestamp_desc``, plus attributes. Events are
merged in time order from streams, so memory stays bounded however many accesses there are.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import orjson

from mailscope.report.load_data import existing_tables, text_or_empty
from mailscope.report.report_data import FindingRecord, ReportData
from mailscope.report.visible import one_line
from mailscope.store.case import open_case

TIMELINE_NAME = "timeline.jsonl"
Event = tuple[datetime, int, str, dict[str, object]]  # (time, kind order, tiebreak, event)


@dataclass(frozen=True, slots=True)
class ActorAccess:
    """One mail access attributed to the actor (``scope_access``), for the timeline."""

    record_key: str
    mailbox_upn: str
    time: datetime
    access_type: str
    folder_path: str
    message_id: str
    is_throttled: bool
    client_ip: str
    app_id: str
    session_id: str
    unique_token_id: str
    user_agent: str


def iter_actor_access(
    connection: duckdb.DuckDBPyConnection, batch: int = 10_000
) -> Iterator[ActorAccess]:
    """Stream ``scope_access`` in time order (bounded memory whatever the case size)."""
    if "scope_access" not in existing_tables(connection):
        return
    cursor = connection.cursor()
    cursor.execute(
        "SELECT record_key, mailbox_upn, time, access_type, folder_path, message_id, "
        "is_throttled, client_ip, app_id, session_id, unique_token_id, user_agent "
        "FROM scope_access WHERE time IS NOT NULL "
        "ORDER BY time, record_key, mailbox_upn, message_id NULLS FIRST"
    )
    while rows := cursor.fetchmany(batch):
        for r in rows:
            ip, app, session, token, agent = (text_or_empty(v) for v in r[7:12])
            yield ActorAccess(
                text_or_empty(r[0]),
                text_or_empty(r[1]),
                r[2],
                text_or_empty(r[3]),
                text_or_empty(r[4]),
                text_or_empty(r[5]),
                bool(r[6]),
                ip,
                app,
                session,
                token,
                agent,
            )
    cursor.close()


def _stamp(moment: datetime) -> str:
    return moment.isoformat() + "+00:00"


def access_events(accesses: Iterator[ActorAccess]) -> Iterator[Event]:
    for a in accesses:
        what = a.message_id or f"folder {a.folder_path}"
        throttled = " (throttled)" if a.is_throttled else ""
        yield (
            a.time,
            0,
            a.record_key,
            {
                "message": one_line(
                    f"Actor {a.access_type} of {what} in mailbox {a.mailbox_upn} "
                    f"from {a.client_ip}{throttled}"
                ),
                "datetime": _stamp(a.time),
                "timestamp_desc": "Mail Item Accessed",
                "data_type": "mailscope:actor:mail_access",
                "mailbox": a.mailbox_upn,
                "access_type": a.access_type,
                "folder": a.folder_path,
                "message_id": a.message_id,
                "is_throttled": a.is_throttled,
                "client_ip": a.client_ip,
                "app_id": a.app_id,
                "session_id": a.session_id,
                "unique_token_id": a.unique_token_id,
                "user_agent": a.user_agent,
                "record_key": a.record_key,
                "tag": ["actor"],
            },
        )


def finding_events(findings: tuple[FindingRecord, ...]) -> Iterator[Event]:
    dated = sorted(
        (f for f in findings if f.first_seen), key=lambda f: (f.first_seen, f.finding_id)
    )
    for f in dated:
        assert f.first_seen is not None
        yield (
            f.first_seen,
            1,
            f.finding_id,
            {
                "message": one_line(f"[{f.severity}] {f.title}"),
                "datetime": _stamp(f.first_seen),
                "timestamp_desc": "Finding First Seen",
                "data_type": "mailscope:finding",
                "finding_id": f.finding_id,
                "rule_id": f.rule_id,
                "severity": f.severity,
                "confidence": f.confidence,
                "attack_ids": list(f.attack_ids),
                "mailboxes": list(f.mailboxes),
                "ips": list(f.ips),
                "apps": list(f.apps),
                "sessions": list(f.sessions),
                "explanation": f.explanation,
                "last_seen": _stamp(f.last_seen) if f.last_seen else None,
                "tag": ["finding", f.severity],
            },
        )


def _actor_values(data: ReportData, kind: str, scope_key: str) -> list[str]:
    values = {a.value for a in data.actor if a.kind == kind}
    values.update(data.scope.actor.get(scope_key, ()))
    return sorted(values)


def audit_events(connection: duckdb.DuckDBPyConnection, data: ReportData) -> Iterator[Event]:
    """Non-MailItemsAccessed audit records from the actor's sessions/IPs or cited by findings."""
    if "audit_events" not in existing_tables(connection):
        return
    keys = sorted({k for f in data.findings for k in f.evidence_keys})
    sessions = _actor_values(data, "session", "session_ids")
    ips = _actor_values(data, "ip", "ips")
    cursor = connection.cursor()
    cursor.execute(
        "SELECT record_key, time, operation, user_id, client_ip, app_id, session_id, "
        "user_agent, mailbox_upn, workload, parameters FROM audit_events "
        "WHERE time IS NOT NULL AND coalesce(operation, '') <> 'MailItemsAccessed' AND ("
        "list_contains(?, record_key) OR list_contains(?, session_id) "
        "OR list_contains(?, aad_session_id) OR list_contains(?, client_ip)) "
        "ORDER BY time, record_key",
        [keys, sessions, sessions, ips],
    )
    while rows := cursor.fetchmany(5_000):
        for key, when, operation, user, ip, app, session, agent, mailbox, workload, params in rows:
            yield (
                when,
                2,
                str(key),
                {
                    "message": one_line(f"{operation} by {user} from {ip}"),
                    "datetime": _stamp(when),
                    "timestamp_desc": "Audit Event Time",
                    "data_type": "m365:audit",
                    "operation": operation,
                    "user_id": user,
                    "client_ip": ip,
                    "app_id": app,
                    "session_id": session,
                    "user_agent": agent,
                    "mailbox": mailbox,
                    "workload": workload,
                    "parameters": params,
                    "record_key": key,
                    "tag": ["actor"] if (session in sessions or ip in ips) else ["evidence"],
                },
            )
    cursor.close()


def write_timeline(data: ReportData, out: Path, case_dir: Path) -> Path:
    """Stream every event, in time order, into timeline.jsonl."""
    path = out / TIMELINE_NAME
    connection = open_case(case_dir, read_only=True)
    try:
        streams = (
            access_events(iter_actor_access(connection)),
            finding_events(data.findings),
            audit_events(connection, data),
        )
        with path.open("wb") as handle:
            for _, _, _, event in heapq.merge(*streams, key=lambda e: (e[0], e[1], e[2])):
                handle.write(orjson.dumps(event))
                handle.write(b"\n")
    finally:
        connection.close()
    return path
