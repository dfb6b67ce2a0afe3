"""Mailbox reads every generator shares: aggregated Bind records of what a mailbox had
received, whole-folder Sync records, and picking an instant inside a session."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from mailscope.simulate import records
from mailscope.simulate.ids import IdSource
from mailscope.simulate.org import Person
from mailscope.simulate.world import Session, World


def moment(rng: random.Random, session: Session) -> datetime:
    """A random instant while the session is in use."""
    first = session.tokens[0].issued
    span = int((session.tokens[-1].issued - first).total_seconds()) + 3000
    return first + timedelta(seconds=rng.randrange(60, span))


def read_mail(
    world: World,
    rng: random.Random,
    ids: IdSource,
    session: Session,
    *,
    owner: Person,
    when: datetime,
    logon_type: int = 0,
    count: int = 0,
    throttled: bool = False,
) -> None:
    """One aggregated Bind record of messages ``owner`` had received by ``when``."""
    folders = world.pick_items(rng, ids, owner.upn, when, count or rng.randrange(1, 5))
    if not folders:
        return
    stamped = rng.random() >= world.org.profile.untokened_share
    world.evidence.add(
        when,
        records.mail_items_accessed(
            ids,
            when,
            user=session.person.upn,
            owner=owner,
            access="Bind",
            folders=folders,
            ip=session.ip,
            client_info=session.client_info,
            app_id=session.app.app_id,
            logon_type=logon_type,
            token=session.token_at(when) if stamped else None,
            throttled=throttled,
        ),
    )


def sync_folders(
    world: World,
    ids: IdSource,
    session: Session,
    *,
    when: datetime,
    folders: list[str],
    owner: Person | None = None,
    logon_type: int = 0,
) -> None:
    """A desktop client (re)synchronising whole folders of ``owner``'s mailbox (the
    session's own by default): one Sync record per folder."""
    for offset, folder in enumerate(folders):
        at = when + timedelta(seconds=7 * offset)
        world.evidence.add(
            at,
            records.mail_items_accessed(
                ids,
                at,
                user=session.person.upn,
                owner=owner or session.person,
                access="Sync",
                folders=[(folder, [])],
                ip=session.ip,
                client_info=session.client_info,
                app_id=session.app.app_id,
                logon_type=logon_type,
                token=session.token_at(at),
            ),
        )
