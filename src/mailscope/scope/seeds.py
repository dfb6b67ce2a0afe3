"""Seeds of the actor: entities named by high/critical findings, each confirmed before use.

Detections may fire on benign look-alikes (a traveller's new country, the archiving app),
so a named entity only seeds the actor when the evidence confirms it: it carries the
forged-token signal (an id in no sign-in log, AA23-193A), or an IOC rule matched it, or
at least two different rules name it. Unsigned ids found by the anti-join are seeds on
their own.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import duckdb

SEED_SEVERITIES = ("high", "critical")
CORROBORATING_SEVERITIES = ("medium", "high", "critical")
MIN_RULES = 2
# Columns of ``findings`` holding entity lists, and the entity kind each holds.
ENTITY_COLUMNS: dict[str, str] = {
    "sessions": "session",
    "tokens": "token",
    "ips": "ip",
    "apps": "app",
}


@dataclass
class Named:
    """Which rules name an entity, and whether any of them is high/critical or an IOC."""

    rules: set[str] = field(default_factory=set)
    severe: bool = False
    ioc: bool = False


def is_ioc_rule(rule_id: str) -> bool:
    """Intel retro-hunt rules (``intel.*`` / ``*ioc*`` ids) match published indicators."""
    lowered = rule_id.lower()
    return lowered.startswith("intel") or "ioc" in lowered


def named_entities(connection: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], Named]:
    """(kind, value) -> the rules naming it in findings of medium severity or more."""
    named: dict[tuple[str, str], Named] = defaultdict(Named)
    columns = ", ".join(ENTITY_COLUMNS)
    rows = connection.execute(
        f"SELECT rule_id, severity, {columns} FROM findings WHERE severity IN "
        f"({', '.join('?' for _ in CORROBORATING_SEVERITIES)}) ORDER BY finding_id",
        list(CORROBORATING_SEVERITIES),
    ).fetchall()
    for rule_id, severity, *lists in rows:
        for kind, values in zip(ENTITY_COLUMNS.values(), lists, strict=True):
            for value in values or ():
                if not value:
                    continue
                entry = named[(kind, str(value))]
                entry.rules.add(str(rule_id))
                entry.severe = entry.severe or severity in SEED_SEVERITIES
                entry.ioc = entry.ioc or is_ioc_rule(str(rule_id))
    return dict(named)


def unsigned_ids(connection: duckdb.DuckDBPyConnection) -> set[tuple[str, str]]:
    """Session and token ids of mail reads that no sign-in issued (the forged-token signal)."""
    found: set[tuple[str, str]] = set()
    rows = connection.execute(
        "SELECT DISTINCT session, token FROM _activity WHERE unsigned AND source = 'mail_access'"
    ).fetchall()
    signed_sessions = _set(connection, "SELECT session_id FROM _signed_sessions")
    signed_tokens = _set(connection, "SELECT unique_token_id FROM _signed_tokens")
    for session, token in rows:
        if session and session not in signed_sessions:
            found.add(("session", session))
        if token and token not in signed_tokens:
            found.add(("token", token))
    return found


def confirmed(entry: Named, *, forged: bool, hub: bool) -> bool:
    """Whether a named entity may seed the actor."""
    if hub or not entry.severe:
        return False
    return forged or entry.ioc or len(entry.rules) >= MIN_RULES


def _set(connection: duckdb.DuckDBPyConnection, sql: str) -> set[str]:
    return {str(row[0]) for row in connection.execute(sql).fetchall()}
