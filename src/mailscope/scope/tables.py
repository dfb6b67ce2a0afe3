"""Write the scope stage's store tables (rebuilt on every run; reports read them)."""

from __future__ import annotations

from collections import defaultdict

import duckdb
import pyarrow as pa

from mailscope.scope.actor import Actor
from mailscope.scope.blind_spots import BlindSpot
from mailscope.scope.exposed import ExposedMessage
from mailscope.scope.exposure import MailboxExposure
from mailscope.scope.org import Person, department_of
from mailscope.scope.sensitive.scan import PERSONAL_KINDS

SCOPE_TABLES = (
    "scope_actor",
    "scope_access",
    "scope_exposed_messages",
    "scope_sensitive_hits",
    "scope_people",
    "scope_blind_spots",
)
_ACTOR_COLUMNS = {
    "ip": "ip",
    "session": "session",
    "token": "token",
    "app": "app",
    "user_agent": "coalesce(user_agent, client_info)",
}


def clear_scope_tables(connection: duckdb.DuckDBPyConnection) -> None:
    """Empty every scope table before a run writes them again."""
    for table in SCOPE_TABLES:
        connection.execute(f"DELETE FROM {table}")


def write_actor(connection: duckdb.DuckDBPyConnection, actor: Actor) -> None:
    """``scope_actor``: each identifier with its time span, record count and reason."""
    rows: dict[tuple[str, str], list[object]] = {}
    for kind, expression in _ACTOR_COLUMNS.items():
        for value, first, last, count in connection.execute(
            f"SELECT {expression} AS v, min(time), max(time), count(*) FROM _actor_rows "
            "WHERE v IS NOT NULL GROUP BY v ORDER BY v"
        ).fetchall():
            reason = actor.reasons.get((kind, value), "seen in the actor's records")
            rows[(kind, value)] = [kind, value, first, last, count, reason]
    for agent, first, last, count in connection.execute(
        "SELECT user_agent, min(time), max(time), count(*) FROM signins WHERE user_agent <> '' "
        "AND (session_id IN (SELECT v FROM _actor_session) OR unique_token_id IN "
        "(SELECT v FROM _actor_token)) GROUP BY user_agent ORDER BY user_agent"
    ).fetchall():
        rows.setdefault(
            ("user_agent", agent),
            ["user_agent", agent, first, last, count, "user agent of the actor's sign-ins"],
        )
    for (kind, value), reason in sorted(actor.reasons.items()):
        rows.setdefault((kind, value), [kind, value, None, None, 0, reason])
    _insert(
        connection,
        "scope_actor",
        ["kind", "value", "first_seen", "last_seen", "records", "reason"],
        [rows[key] for key in sorted(rows)],
    )


def write_access(connection: duckdb.DuckDBPyConnection) -> None:
    """``scope_access``: every mail_access row attributed to the actor."""
    connection.execute(
        "INSERT INTO scope_access SELECT record_key, mailbox, time, access_type, folder_path, "
        "message_id, is_throttled, client_ip, coalesce(nullif(app_id, ''), client_app_id), "
        "coalesce(nullif(aad_session_id, ''), session_id), unique_token_id, "
        "coalesce(nullif(user_agent, ''), client_info) FROM _actor_mail ORDER BY time, record_key"
    )


def write_messages(connection: duckdb.DuckDBPyConnection, messages: list[ExposedMessage]) -> None:
    """``scope_exposed_messages`` and ``scope_sensitive_hits``."""
    _insert(
        connection,
        "scope_exposed_messages",
        [
            "mailbox_upn",
            "message_id",
            "basis",
            "folder_path",
            "date",
            "subject",
            "sender",
            "has_content",
            "us_ssn",
            "has_itinerary",
            "has_marking",
            "sensitive_kinds",
        ],
        [
            [
                m.mailbox,
                m.message_id,
                m.basis,
                m.folder_path,
                m.date,
                m.subject,
                m.sender,
                m.has_content,
                len(m.sensitivity.ssns),
                m.sensitivity.itinerary,
                m.sensitivity.marking,
                m.sensitivity.kinds,
            ]
            for m in messages
        ],
    )
    _insert(
        connection,
        "scope_sensitive_hits",
        ["mailbox_upn", "message_id", "kind", "value_hash", "redacted", "score"],
        [
            [m.mailbox, m.message_id, h.kind, h.value_hash, h.redacted, h.score]
            for m in messages
            for h in m.sensitivity.hits
        ],
    )


def write_people(
    connection: duckdb.DuckDBPyConnection,
    boxes: list[MailboxExposure],
    messages: list[ExposedMessage],
    directory: dict[str, Person],
) -> None:
    """``scope_people``: owners of read mailboxes, with the personal data their mail held."""
    kinds: dict[str, set[str]] = defaultdict(set)
    for message in messages:
        kinds[message.mailbox].update(message.sensitivity.kinds)
    rows = []
    for box in boxes:
        person = directory.get(box.upn)
        personal = sorted(kinds[box.upn] & PERSONAL_KINDS)
        reason = "mailbox read by the actor"
        if personal:
            reason += "; personal data exposed: " + ", ".join(personal)
        rows.append(
            [
                box.upn,
                person.display_name if person else "",
                department_of(directory, box.upn),
                reason,
                [box.upn],
                len(box.exposed),
                sorted(kinds[box.upn]),
            ]
        )
    _insert(
        connection,
        "scope_people",
        ["upn", "display_name", "department", "reason", "mailboxes", "messages", "kinds"],
        rows,
    )


def write_blind_spots(connection: duckdb.DuckDBPyConnection, spots: list[BlindSpot]) -> None:
    """``scope_blind_spots``."""
    _insert(
        connection,
        "scope_blind_spots",
        ["kind", "subject", "start_time", "end_time", "detail"],
        [[s.kind, s.subject, s.start_time, s.end_time, s.detail] for s in spots],
    )


def _insert(
    connection: duckdb.DuckDBPyConnection, table: str, columns: list[str], rows: list[list[object]]
) -> None:
    if not rows:
        return
    batch = pa.table({name: [row[i] for row in rows] for i, name in enumerate(columns)})
    connection.register("_scope_batch", batch)
    try:
        names = ", ".join(columns)
        connection.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM _scope_batch")
    finally:
        connection.unregister("_scope_batch")
