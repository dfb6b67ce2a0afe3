"""``scope_case``: the scope stage from findings and evidence to scope.json and the
``scope_*`` store tables, as an ordered tuple of small steps."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb

from mailscope.scope import write_tables
from mailscope.scope.activity import build_activity
from mailscope.scope.actor import CONFIRMED, Actor, cluster_actor, write_actor_rows
from mailscope.scope.blind_spots import find_blind_spots
from mailscope.scope.combos import load_graph
from mailscope.scope.document import ActorSummary, build_document, write_document
from mailscope.scope.evidence import mailbox_entries
from mailscope.scope.exposed_messages import ContentScan, exposed_messages
from mailscope.scope.exposure import compute_exposure
from mailscope.scope.org import load_directory
from mailscope.store.case import open_case

StepFn = Callable[[str], None]


def scope_case(
    case_dir: Path, on_step: StepFn | None = None, scan: ContentScan | None = None
) -> Path:
    """Scope a case: write ``case_dir/scope.json`` and fill the scope tables; return the path.
    ``scan`` reads and scans the exposed messages' content (in the case store by default)."""
    step = on_step or (lambda _name: None)
    connection = open_case(case_dir)
    try:
        step("linking identifiers")
        build_activity(connection)
        step("clustering the actor")
        actor = cluster_actor(connection)
        write_actor_rows(connection, actor)
        step("computing exposure")
        boxes = compute_exposure(connection)
        entries = mailbox_entries(actor, load_graph(connection))
        exposed = {box.upn: len(box.exposed) for box in boxes}
        for entry in entries:
            entry.exposed = exposed.get(entry.upn, 0)
        step("scanning exposed messages")
        messages = exposed_messages(connection, boxes, scan)
        directory = load_directory(connection)
        step("writing results")
        connection.execute("BEGIN")
        write_tables.clear_scope_tables(connection)
        write_tables.write_actor(connection, actor)
        write_tables.write_access(connection)
        write_tables.write_mailboxes(connection, entries)
        write_tables.write_messages(connection, messages)
        write_tables.write_people(connection, boxes, messages, directory)
        write_tables.write_blind_spots(connection, find_blind_spots(connection, boxes))
        connection.execute("COMMIT")
        summary = actor_summary(connection, actor)
        document = build_document(boxes, messages, summary, directory, entries)
        return write_document(case_dir, document)
    finally:
        connection.close()


def actor_summary(connection: duckdb.DuckDBPyConnection, actor: Actor) -> ActorSummary:
    """The actor's confirmed IPs, sessions, tokens, apps, user agents and accounts as
    scope.json lists them (read back from ``scope_actor``), with every entity's chain."""
    values: dict[str, list[str]] = {
        "ip": [],
        "session": [],
        "token": [],
        "app": [],
        "user_agent": [],
        "account": [],
    }
    for kind, value in connection.execute(
        "SELECT kind, value FROM scope_actor WHERE tier = ? ORDER BY kind, value", [CONFIRMED]
    ).fetchall():
        values.setdefault(kind, []).append(value)
    entities: list[dict[str, object]] = [
        {"kind": kind, "value": value, "tier": link.tier, "chain": actor.chain((kind, value))}
        for (kind, value), link in sorted(actor.entities.items())
    ]
    return ActorSummary(
        values["ip"],
        values["session"],
        values["app"],
        values["user_agent"],
        values["token"],
        values["account"],
        entities,
    )
