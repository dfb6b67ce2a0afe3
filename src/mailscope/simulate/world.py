"""Shared state of one simulation run: organisation, mail content, evidence, and the
session model that ties audit records to the sign-ins that issued their tokens."""

from __future__ import annotations

import bisect
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from mailscope.simulate.config import PERIOD_START, SimConfig
from mailscope.simulate.entra_records import user_logged_in
from mailscope.simulate.evidence import Evidence, SignInRecord, Token
from mailscope.simulate.folders import FolderNames
from mailscope.simulate.ids import IdSource
from mailscope.simulate.mail import Message
from mailscope.simulate.org import Organisation, Person
from mailscope.simulate.places import Place
from mailscope.simulate.records import Item
from mailscope.simulate.signins import App, user_signin


@dataclass
class World:
    """Everything generators share; mailboxes hold exported content by owner UPN."""

    config: SimConfig
    org: Organisation
    mailboxes: dict[str, list[Message]]
    evidence: Evidence = field(default_factory=Evidence)
    _dates: dict[str, list[datetime]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for upn, messages in self.mailboxes.items():
            messages.sort(key=lambda m: (m.date, m.folder, m.number))
            self._dates[upn] = [m.date for m in messages]

    @property
    def start(self) -> datetime:
        """First instant of the simulated period."""
        return PERIOD_START

    @property
    def end(self) -> datetime:
        """Exclusive end of the simulated period."""
        return self.config.period_end

    def days(self) -> list[datetime]:
        """Midnights (UTC) of every simulated day."""
        return [self.start + timedelta(days=d) for d in range(self.config.days)]

    def folders(self, upn: str) -> FolderNames:
        """Export path of every folder role in the mailbox of ``upn``."""
        return self.org.folders(upn)

    def received_before(self, upn: str, when: datetime) -> list[Message]:
        """Exported messages of a mailbox dated strictly before ``when``."""
        messages = self.mailboxes.get(upn, [])
        return messages[: bisect.bisect_left(self._dates.get(upn, []), when)]

    def pick_items(
        self,
        rng: random.Random,
        ids: IdSource,
        upn: str,
        when: datetime,
        count: int,
        folder: str | None = None,
    ) -> list[tuple[str, list[Item]]]:
        """Messages a client could open at ``when``, grouped per folder. Mailboxes without
        exported content get fresh message ids (their reads still look real)."""
        pool = self.received_before(upn, when)
        if folder is not None:
            pool = [m for m in pool if m.folder == folder]
        if upn not in self.mailboxes:
            inbox = self.folders(upn)["inbox"] if folder is None else folder
            chosen = [
                (inbox, (ids.message_id("SA1PR09MB2207"), rng.randrange(4000, 90000)))
                for _ in range(count)
            ]
        elif not pool:
            return []
        else:
            recent = pool[-40:]
            chosen = [
                (m.folder, (m.message_id, m.size))
                for m in (rng.choice(recent) for _ in range(count))
            ]
        grouped: dict[str, list[Item]] = {}
        for path, item in chosen:
            if item not in grouped.setdefault(path, []):
                grouped[path].append(item)
        return sorted(grouped.items())


@dataclass
class Session:
    """One Entra session on one device: the interactive sign-in and the tokens refreshed
    through it (each refresh is a non-interactive sign-in with a new token id)."""

    person: Person
    app: App
    ip: str
    place: Place
    client_info: str
    session_id: str
    tokens: list[Token]
    user_agent: str = ""
    device: str = "Windows10"

    def token_at(self, when: datetime) -> Token:
        """The token a client would present at ``when``: the latest issued before it."""
        issued = [t.issued for t in self.tokens]
        return self.tokens[max(0, bisect.bisect_right(issued, when) - 1)]


def open_session(
    world: World,
    rng: random.Random,
    ids: IdSource,
    *,
    person: Person,
    app: App,
    ip: str,
    place: Place,
    client_info: str,
    user_agent: str,
    start: datetime,
    end: datetime,
    device: str = "Windows10",
) -> Session:
    """Sign a person in at ``start`` and refresh the token roughly hourly until ``end``,
    recording every sign-in and the UAL ``UserLoggedIn`` record for the interactive one."""
    session = Session(
        person, app, ip, place, client_info, ids.guid(), [], user_agent=user_agent, device=device
    )
    when, kind = start, "interactive"
    while when < end:
        refresh_token(world, ids, session, when, kind=kind)
        when += timedelta(seconds=rng.randrange(50 * 60, 80 * 60))
        kind = "noninteractive"
    return session


def refresh_token(
    world: World,
    ids: IdSource,
    session: Session,
    when: datetime,
    *,
    kind: str = "noninteractive",
    ip: str | None = None,
    place: Place | None = None,
) -> Token:
    """Issue the session a new token at ``when`` through a sign-in of ``kind`` (from the
    session's network unless ``ip``/``place`` say where the device is now)."""
    person, tenant = session.person, world.org.tenant_id
    token = Token(session.session_id, ids.token_id(), when, session.app.app_id)
    where = ip or session.ip
    record = user_signin(
        ids,
        when,
        kind=kind,
        person=person,
        app=session.app,
        ip=where,
        place=place or session.place,
        session_id=session.session_id,
        token_id=token.token_id,
        user_agent=session.user_agent,
        tenant_id=tenant,
        device=session.device,
    )
    world.evidence.signins.append(SignInRecord(kind, when, record))
    session.tokens.append(token)
    if kind == "interactive":
        at = when + timedelta(seconds=1)
        world.evidence.add(
            at,
            user_logged_in(
                ids,
                at,
                person=person,
                ip=where,
                user_agent=session.user_agent,
                session_id=session.session_id,
                app_id=session.app.app_id,
                tenant_id=tenant,
            ),
        )
    return token
