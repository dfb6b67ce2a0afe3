"""Cluster the actor's activity: confirmed seeds, expanded through co-occurring identifiers.

Expansion follows sessions and tokens (one device, one sign-in) and IPs, in records and in
the sign-in log; it never follows an app id (first-party clients and the archiving app are
shared by everyone), and it admits an IP only when no one else's signed-in user session
uses it (an office egress or home address would otherwise pull in its owners' mail).
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass, field

import duckdb

from mailscope.scope import seeds

Entity = tuple[str, str]  # (kind, value): kind in 'session' | 'token' | 'ip' | 'app'
USER_SIGNIN_KINDS = ("interactive", "noninteractive")
# An IP from which this many distinct users signed in (outside the actor's sessions) is
# shared infrastructure (office egress, VPN), never an actor link or seed.
HUB_USERS = 2


@dataclass
class Actor:
    """The actor's identifiers and, for each, why it belongs to the actor."""

    sessions: set[str] = field(default_factory=set)
    tokens: set[str] = field(default_factory=set)
    ips: set[str] = field(default_factory=set)
    apps: set[str] = field(default_factory=set)  # seed apps: every record of them is the actor's
    reasons: dict[Entity, str] = field(default_factory=dict)

    def has(self, entity: Entity) -> bool:
        """Whether the entity is already attributed."""
        return entity[1] in self._bucket(entity[0])

    def add(self, entity: Entity, reason: str) -> None:
        """Attribute an entity (first reason wins)."""
        self._bucket(entity[0]).add(entity[1])
        self.reasons.setdefault(entity, reason)

    def _bucket(self, kind: str) -> set[str]:
        return {"session": self.sessions, "token": self.tokens, "ip": self.ips, "app": self.apps}[
            kind
        ]


@dataclass
class _Graph:
    """Indexes of record combos and sign-ins by identifier."""

    combos: dict[Entity, list[tuple[str | None, str | None, str | None, str | None]]]
    signins: dict[Entity, list[tuple[str | None, str | None, str | None]]]
    ip_users: dict[str, set[tuple[str, str]]]  # ip -> {(user, session)} of user sign-ins
    app_users: dict[str, set[str]]
    forged_with: set[Entity]


def cluster_actor(connection: duckdb.DuckDBPyConnection) -> Actor:
    """Seeds from findings and the forged-token anti-join, expanded to a fixpoint."""
    graph = _load_graph(connection)
    actor = Actor()
    for entity in sorted(seeds.unsigned_ids(connection)):
        actor.add(entity, "forged-token signal: id appears in no sign-in log")
    for entity, entry in sorted(seeds.named_entities(connection).items()):
        hub = _is_hub(graph, entity, actor)
        forged = entity in graph.forged_with
        if seeds.confirmed(entry, forged=forged, hub=hub) and not actor.has(entity):
            why = "ioc" if entry.ioc else ("with forged ids" if forged else "corroborated")
            actor.add(entity, f"seed ({why}): " + ", ".join(sorted(entry.rules)))
    _expand(graph, actor)
    return actor


def _expand(graph: _Graph, actor: Actor) -> None:
    queue: deque[Entity] = deque(sorted(actor.reasons))
    while queue:
        entity = queue.popleft()
        if entity[0] == "app" and entity[1] not in actor.apps:
            continue
        reached: list[tuple[Entity, str]] = []
        for session, token, ip, _app in graph.combos.get(entity, ()):
            reached += _links(session, token, ip, f"co-occurs with {entity[0]} {entity[1]}")
        for session, token, ip in graph.signins.get(entity, ()):
            reached += _links(session, token, ip, f"sign-in shares {entity[0]} {entity[1]}")
        for found, reason in reached:
            if actor.has(found):
                continue
            if found[0] == "ip" and _is_hub(graph, found, actor, strict=True):
                continue
            actor.add(found, reason)
            queue.append(found)


def _links(
    session: str | None, token: str | None, ip: str | None, reason: str
) -> list[tuple[Entity, str]]:
    found: list[tuple[Entity, str]] = []
    for kind, value in (("session", session), ("token", token), ("ip", ip)):
        if value:
            found.append(((kind, value), reason))
    return found


def _is_hub(graph: _Graph, entity: Entity, actor: Actor, *, strict: bool = False) -> bool:
    """Shared infrastructure: an IP or app signed into by other users. ``strict`` (for IPs
    reached by expansion) rejects an IP with even one other user's signed-in session."""
    kind, value = entity
    if kind == "app":
        return len(graph.app_users.get(value, ())) >= HUB_USERS
    if kind != "ip":
        return False
    users = {
        user for user, session in graph.ip_users.get(value, ()) if session not in actor.sessions
    }
    return len(users) >= (1 if strict else HUB_USERS)


def _load_graph(connection: duckdb.DuckDBPyConnection) -> _Graph:
    combos: dict[Entity, list[tuple[str | None, str | None, str | None, str | None]]]
    combos = defaultdict(list)
    forged_with: set[Entity] = set()
    rows = connection.execute(
        "SELECT session, token, ip, app, bool_or(unsigned) FROM _activity GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    for session, token, ip, app, unsigned in rows:
        combo = (session, token, ip, app)
        for kind, value in (("session", session), ("token", token), ("ip", ip), ("app", app)):
            if value:
                combos[(kind, value)].append(combo)
                if unsigned:
                    forged_with.add((kind, value))
    signins: dict[Entity, list[tuple[str | None, str | None, str | None]]] = defaultdict(list)
    ip_users: dict[str, set[tuple[str, str]]] = defaultdict(set)
    app_users: dict[str, set[str]] = defaultdict(set)
    rows = connection.execute(
        "SELECT nullif(session_id, ''), nullif(unique_token_id, ''), nullif(ip, ''), "
        "lower(coalesce(nullif(upn, ''), user_id)), kind, coalesce(success, false), app_id "
        "FROM signins ORDER BY ALL"
    ).fetchall()
    for session, token, ip, user, kind, success, app in rows:
        entry = (session, token, ip)
        for key in (("session", session), ("token", token), ("ip", ip)):
            if key[1]:
                signins[key].append(entry)
        if success and user and kind in USER_SIGNIN_KINDS:
            if ip:
                ip_users[ip].add((user, session or ""))
            if app:
                app_users[app].add(user)
    return _Graph(dict(combos), dict(signins), dict(ip_users), dict(app_users), forged_with)


def write_actor_rows(connection: duckdb.DuckDBPyConnection, actor: Actor) -> None:
    """``_actor_rows``: every activity row attributed to the actor (temp table)."""
    for kind, values in (
        ("session", actor.sessions),
        ("token", actor.tokens),
        ("ip", actor.ips),
        ("app", actor.apps),
    ):
        connection.execute(
            f"CREATE OR REPLACE TEMP TABLE _actor_{kind} AS SELECT unnest(?::VARCHAR[]) AS v",
            [sorted(values)],
        )
    connection.execute(
        "CREATE OR REPLACE TEMP TABLE _actor_rows AS SELECT * FROM _activity a WHERE "
        "a.session IN (SELECT v FROM _actor_session) OR a.token IN (SELECT v FROM _actor_token) "
        "OR a.ip IN (SELECT v FROM _actor_ip) OR a.app IN (SELECT v FROM _actor_app)"
    )
