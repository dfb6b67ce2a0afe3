"""The activity graph the actor is clustered on: distinct combinations of identifiers.

Every ``_activity`` row belongs to one *combo*: its source, Entra session, token, IP, client
app, principal, mailbox, judgement and day. Attribution works on combos (a few per token,
not one per record) and is written back to records by the combo id.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

import duckdb

from mailscope.detect.apps import first_party_apps, resource_apps
from mailscope.intel.addresses import identifies

Entity = tuple[str, str]  # (kind, value): kind in 'session' | 'token' | 'ip' | 'app'

COMBO_COLUMNS = (
    "source, session, token, ip, app, principal, mailbox, backing, kind, success, "
    "CAST(time AS DATE)"
)


@dataclass(frozen=True, slots=True)
class Combo:
    """Records sharing every identifier (and a day)."""

    id: int
    source: str
    session: str | None
    token: str | None
    ip: str | None
    app: str | None
    principal: str | None
    mailbox: str | None
    backing: str
    kind: str | None
    success: bool | None
    first: datetime
    last: datetime
    records: int
    sample: str

    def links(self) -> list[Entity]:
        """The identifiers that may link this combo to others (shared ones left out)."""
        found: list[Entity] = []
        if self.session:
            found.append(("session", self.session))
        if self.token:
            found.append(("token", self.token))
        if self.ip and identifies(self.ip):
            found.append(("ip", self.ip))
        if self.app and third_party(self.app):
            found.append(("app", self.app))
        return found

    @property
    def backed_use(self) -> bool:
        """A sign-in issued this combo's token: someone legitimately used its IP and keys."""
        if self.source == "signins":
            return bool(self.success)
        return self.backing == "backed"

    @property
    def reads_mail(self) -> bool:
        """A mail read: a MailItemsAccessed item/folder or a Graph mail request."""
        return self.mailbox is not None and self.source in ("mail_access", "graph_activity")


def third_party(app: str) -> bool:
    """An app id that is neither a Microsoft resource nor a first-party client."""
    return app not in resource_apps() and app not in first_party_apps()


@dataclass
class Graph:
    """Combos indexed by each identifier."""

    combos: dict[int, Combo]
    by_key: dict[Entity, list[Combo]] = field(default_factory=lambda: defaultdict(list))

    def __post_init__(self) -> None:
        for combo in sorted(self.combos.values(), key=lambda c: (c.first, c.id)):
            for key in combo.links():
                self.by_key[key].append(combo)

    def using(self, entity: Entity) -> list[Combo]:
        """Combos carrying ``entity``, oldest first."""
        return self.by_key.get(entity, [])


def tag_combos(connection: duckdb.DuckDBPyConnection) -> None:
    """Add the ``combo`` id column to ``_activity``."""
    connection.execute(
        f"CREATE OR REPLACE TEMP TABLE _activity AS SELECT *, hash({COMBO_COLUMNS}) AS combo "
        "FROM _activity"
    )


def load_graph(connection: duckdb.DuckDBPyConnection) -> Graph:
    """Every combo of ``_activity`` (which :func:`tag_combos` has tagged)."""
    rows = connection.execute(
        "SELECT combo, any_value(source), any_value(session), any_value(token), any_value(ip), "
        "any_value(app), any_value(principal), any_value(mailbox), any_value(backing), "
        "any_value(kind), any_value(success), min(time), max(time), count(*), min(record_key) "
        "FROM _activity WHERE time IS NOT NULL GROUP BY combo"
    ).fetchall()
    return Graph({int(row[0]): Combo(int(row[0]), *row[1:]) for row in rows})
