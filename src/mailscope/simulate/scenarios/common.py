"""Pieces every scenario uses: actor working nights, target selection, reading records."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from mailscope.simulate import records
from mailscope.simulate.evidence import JsonObject, Token
from mailscope.simulate.ids import IdSource
from mailscope.simulate.mail import Message
from mailscope.simulate.org import Person
from mailscope.simulate.world import World

# Folders an espionage actor favours; travel plans and cables were what Storm-0558 took
# (CSRB review, 2024: "officials' travel plans, diplomatic correspondence").
# Weights by folder role; each mailbox names its folders its own way (simulate/folders).
PREFERRED = {"travel": 4, "cables": 4, "hr": 2}


def weekday_mornings(world: World) -> list[datetime]:
    """Midnights (UTC) of Monday-Friday days in the period: Storm-0558 worked Mon-Fri
    00:00-09:00 UTC (Microsoft Threat Intelligence, 2023-07-14)."""
    return [d for d in world.days() if d.weekday() < 5]


def choose_items(
    world: World, rng: random.Random, owner: Person, pool: list[Message], count: int
) -> list[Message]:
    """Messages the actor opens, weighted towards travel, cables and HR."""
    roles = {path: role for role, path in world.folders(owner.upn).items()}
    weights = [PREFERRED.get(roles.get(m.folder, ""), 1) for m in pool]
    return rng.choices(pool, weights=weights, k=count)


def actor_read(
    world: World,
    ids: IdSource,
    *,
    when: datetime,
    owner: Person,
    chosen: list[Message],
    ip: str,
    client_info: str,
    app_id: str,
    token: Token,
    throttled: bool = False,
    logon_type: int = 0,
    user: str | None = None,
) -> None:
    """One actor Bind record for ``chosen`` messages, grouped per folder, marked as actor."""
    grouped: dict[str, list[records.Item]] = {}
    for message in chosen:
        item = (message.message_id, message.size)
        if item not in grouped.setdefault(message.folder, []):
            grouped[message.folder].append(item)
    record = records.mail_items_accessed(
        ids,
        when,
        user=user or owner.upn,
        owner=owner,
        access="Bind",
        folders=sorted(grouped.items()),
        ip=ip,
        client_info=client_info,
        app_id=app_id,
        logon_type=logon_type,
        token=token,
        throttled=throttled,
    )
    _add_actor_record(
        world, when, record, ip=ip, client_info=client_info, app_id=app_id, token=token
    )


def actor_sync(
    world: World,
    ids: IdSource,
    *,
    when: datetime,
    owner: Person,
    folder: str,
    ip: str,
    client_info: str,
    app_id: str,
    token: Token,
) -> None:
    """One actor Sync record of a whole folder."""
    record = records.mail_items_accessed(
        ids,
        when,
        user=owner.upn,
        owner=owner,
        access="Sync",
        folders=[(folder, [])],
        ip=ip,
        client_info=client_info,
        app_id=app_id,
        logon_type=0,
        token=token,
    )
    _add_actor_record(
        world, when, record, ip=ip, client_info=client_info, app_id=app_id, token=token
    )


def _add_actor_record(
    world: World,
    when: datetime,
    record: JsonObject,
    *,
    ip: str,
    client_info: str,
    app_id: str,
    token: Token,
) -> None:
    """Add a MailItemsAccessed record marked as the actor's, and note the actor's IP,
    session, token, app and client so the truth file lists them."""
    world.evidence.add(when, record, actor=True)
    world.evidence.actor.note(
        ip=ip,
        session_id=token.session_id,
        token_id=token.token_id,
        app_id=app_id,
        user_agent=client_info,
    )


def later(when: datetime, rng: random.Random, low: int, high: int) -> datetime:
    """``when`` plus a random number of seconds in [low, high)."""
    return when + timedelta(seconds=rng.randrange(low, high))
