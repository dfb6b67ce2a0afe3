"""``scope_case``: the scope stage from findings and evidence to scope.json and the
``scope_*`` store tables, as an ordered tuple of small steps."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb

from mailscope.scope import tables
from mailscope.scope.activity import build_activity
from mailscope.scope.actor import Actor, cluster_actor, write_actor_rows
from mailscope.scope.blind_spots import find_blind_spots
from mailscope.scope.document import ActorSummary, build_document, write_document
from mailscope.scope.exposed import exposed_messages
from mailscope.scope.exposure import compute_exposure
from mailscope.scope.org import load_directory
from mailscope.store.case import open_case

StepFn = Callable[[str], None]


def scope_case(case_dir: Path, on_step: StepFn | None = None) -> Path:
    """Scope a case: write ``case_dir/scope.json`` and fill the scope tables; return the path."""
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
        step("scanning exposed messages")
        messages = exposed_messages(connection, boxes)
        directory = load_directory(connection)
        step("writing results")
        connection.execute("BEGIN")
        tables.clear_scope_tables(connection)
        tables.write_actor(connection, actor)
        tables.write_access(connection)
        tables.write_messages(connection, messages)
        tables.write_people(connection, boxes, messages, directory)
        tables.write_blind_spots(connection, find_blind_spots(connection, boxes))
        connection.execute("COMMIT")
        document = build_document(boxes, messages, actor_summary(connection, actor), directory)
        return write_document(case_dir, document)
    finally:
        connection.close()


def actor_summary(connection: duckdb.DuckDBPyConnection, actor: Actor) -> ActorSummary:
    """The actor's IPs, sessions, apps and user agents as scope.json lists them (from the
    attributed records and the actor's sign-ins, read back from ``scope_actor``)."""
    values: dict[str, list[str]] = {"ip": [], "session": [], "app": [], "user_agent": []}
    for kind, value in connection.execute(
        "SELECT kind, value FROM scope_actor WHERE kind IN ('ip', 'session', 'app', 'user_agent') "
        "ORDER BY kind, value"
    ).fetchall():
        values[kind].append(value)
    del actor
    return ActorSummary(values["ip"], values["session"], values["app"], values["user_agent"])
