"""Delegates: an assistant with FullAccess reading the executive's mailbox, and team
members reading their shared mailboxes, all inside their own signed-in sessions.

Exchange logs such reads under the reader (``UserId``) against the owner's mailbox
(``MailboxOwnerUPN``) with ``LogonType`` 2, Delegated (Management Activity API schema,
"Enum: LogonType"); desktop Outlook caches auto-mapped shared mailboxes, so members also
Sync a shared Inbox now and then. Another person's mailbox read from a session that is
not its owner's is ordinary here, not an intrusion.
"""

from __future__ import annotations

import random

from mailscope.simulate.ids import IdSource
from mailscope.simulate.reads import moment, read_mail, sync_folders
from mailscope.simulate.world import Session, World

DELEGATED = 2


def delegate_reads(world: World, rng: random.Random, ids: IdSource, session: Session) -> None:
    """The reads a person makes as a delegate during one working session."""
    person = session.person
    if person.assistant_of:
        principal = world.org.by_upn[person.assistant_of]
        for _ in range(rng.randrange(2, 6)):
            read_mail(
                world,
                rng,
                ids,
                session,
                owner=principal,
                when=moment(rng, session),
                logon_type=DELEGATED,
            )
    for upn in world.org.shared_of(person.upn):
        box = world.org.by_upn[upn]
        if person.client == "desktop" and rng.random() < 0.1:
            inbox = world.folders(upn)["inbox"]
            sync_folders(
                world,
                ids,
                session,
                when=moment(rng, session),
                folders=[inbox],
                owner=box,
                logon_type=DELEGATED,
            )
        if rng.random() < 0.7:
            for _ in range(rng.randrange(1, 4)):
                read_mail(
                    world,
                    rng,
                    ids,
                    session,
                    owner=box,
                    when=moment(rng, session),
                    logon_type=DELEGATED,
                )


def list_delegates(world: World) -> None:
    """Name every delegate relationship in the truth's distractors."""
    for person in world.org.people:
        if person.assistant_of:
            world.evidence.distractor(
                "delegate-assistant",
                "an assistant with FullAccess reads the executive's mailbox (LogonType 2) "
                "from the assistant's own signed-in sessions",
                upn=person.assistant_of,
                delegate=person.upn,
            )
    for upn, readers in world.org.members.items():
        world.evidence.distractor(
            "shared-mailbox",
            "team members read (and desktop Outlook syncs) a shared mailbox as delegates "
            "(LogonType 2) from their own sessions; no one signs in as the mailbox",
            upn=upn,
            readers=list(readers),
        )
