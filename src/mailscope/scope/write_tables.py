"""Write the scope stage's store tables (rebuilt on every run; reports read them)."""

from __future__ import annotations

from collections import defaultdict

import duckdb
import pyarrow as pa

from mailscope.detect.apps import client_app_sql
from mailscope.scope.actor import CONFIRMED, Actor
from mailscope.scope.blind_spots import BlindSpot
from mailscope.scope.evidence import MailboxEntry
from mailscope.scope.exposed_messages import ExposedMessage
from mailscope.scope.exposure import MailboxExposure
from mailscope.scope.org import Person, department_of
from mailscope.scope.sensitive.scan import PERSONAL_KINDS
from mailscope.store.case import reset_tables

SCOPE_TABLES = (
    "scope_actor",
    "scope_access",
    "scope_mailboxes",
    "scope_exposed_messages",
    "scope_sensitive_hits",
    "scope_people",
    "scope_blind_spots",
)
_ENTITY_COLUMN = {"ip": "ip", "session": "session", "token": "token", "app": "app"}


def clear_scope_tables(connection: duckdb.DuckDBPyConnection) -> None:
    """Drop and re-create every scope table before a run writes them again."""
    reset_tables(connection, SCOPE_TABLES)


def write_actor(connection: duckdb.DuckDBPyConnection, actor: Actor) -> None:
    """``scope_actor``: each identifier with its tier, time span, record count and chain;
    the user agents and accounts of the confirmed records."""
    spans: dict[tuple[str, str], tuple[object, object, int]] = {}
    for kind, column in (
        *_ENTITY_COLUMN.items(),
        ("user_agent", "coalesce(user_agent, client_info)"),
    ):
        for value, first, last, count in connection.execute(
            f"SELECT {column} AS v, min(time), max(time), count(*) FROM _actor_rows "
            "WHERE tier = 'confirmed' AND v IS NOT NULL GROUP BY v"
        ).fetchall():
            spans[(kind, str(value))] = (first, last, int(count))
    rows: list[list[object]] = []
    for (kind, value), link in sorted(actor.entities.items()):
        first, last, count = spans.get((kind, value), (None, None, 0))
        reason = " → ".join(actor.chain((kind, value)))
        rows.append([kind, value, first, last, count, reason, link.tier])
    for (kind, value), (first, last, count) in sorted(spans.items()):
        if kind == "user_agent":
            rows.append(
                [kind, value, first, last, count, "user agent of the actor's records", CONFIRMED]
            )
    for account, first, last, count in connection.execute(
        "SELECT principal, min(time), max(time), count(*) FROM _actor_rows "
        "WHERE tier = 'confirmed' AND principal LIKE '%@%' GROUP BY principal ORDER BY principal"
    ).fetchall():
        if ("account", account) in actor.entities:
            continue  # already listed with its chain
        reason = "account the actor signed in as or acted through"
        rows.append(["account", account, first, last, int(count), reason, CONFIRMED])
    _insert(
        connection,
        "scope_actor",
        ["kind", "value", "first_seen", "last_seen", "records", "reason", "tier"],
        rows,
    )


def write_access(connection: duckdb.DuckDBPyConnection) -> None:
    """``scope_access``: every mail_access row attributed to the actor, with its chain."""
    connection.execute(
        "INSERT INTO scope_access SELECT m.record_key, m.mailbox, m.time, m.access_type, "
        "m.folder_path, m.message_id, m.is_throttled, m.client_ip, "
        f"{client_app_sql('m.app_id', 'm.client_app_id')}, nullif(m.aad_session_id, ''), "
        "m.unique_token_id, coalesce(nullif(m.user_agent, ''), m.client_info), r.why "
        "FROM _actor_mail m JOIN _actor_rows r USING (record_key) "
        "ORDER BY m.time, m.record_key"
    )


def write_mailboxes(connection: duckdb.DuckDBPyConnection, entries: list[MailboxEntry]) -> None:
    """``scope_mailboxes``: every mailbox in scope (both tiers) and why."""
    _insert(
        connection,
        "scope_mailboxes",
        [
            "mailbox_upn",
            "tier",
            "first_access",
            "last_access",
            "records",
            "exposed_messages",
            "why",
            "evidence_keys",
        ],
        [
            [e.upn, e.tier, e.first, e.last, e.records, e.exposed, e.why, list(e.keys)]
            for e in entries
        ],
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
