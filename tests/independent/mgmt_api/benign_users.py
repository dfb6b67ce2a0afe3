"""Everyday mailbox use: owners on desktop Outlook, OWA and phones, delegates and shared
mailboxes, travellers, VPN users, new laptops and one user heavy enough to be throttled.

Every record here is backed by the reader's own sign-in (its token id and session id are in
the sign-in logs) unless Exchange left out AppAccessContext. Sync records come from desktop
Outlook only, as Purview documents ("Sync operations are only recorded when a mailbox is
accessed by a desktop version of the Outlook client"); Bind reads are aggregated per
two-minute window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tests.independent.mgmt_api import audit
from tests.independent.mgmt_api import reference as ref
from tests.independent.mgmt_api.mailboxes import local_hours
from tests.independent.mgmt_api.model import Message, Person, Token, World
from tests.independent.mgmt_api.networks import TRAVEL_POOLS, Networks
from tests.independent.mgmt_api.people import members_of, staff
from tests.independent.mgmt_api.signins import CLIENTS, Client, ClientSession, user_signin
from tests.independent.mgmt_api.unusual import heavy_day, new_device

UNREAD_FOLDERS = ("Sent Items", "Deleted Items", "Drafts")
TRIPS = {
    "Office of Indo-Pacific Affairs": ("Singapore", "Jakarta", "Manila", "Seoul", "Canberra"),
    "Embassy Tokyo": ("Seoul", "Manila", "Singapore"),
    "Office of European Affairs": ("Berlin", "Paris"),
    "Embassy Brussels": ("Berlin",),
}


@dataclass(frozen=True)
class DayPlan:
    """A person's working session on one day: when, and from which address."""

    start: datetime
    end: datetime
    ip: str
    where: str
    tz: int


class Activity:
    """Generates the benign owner, delegate and shared-mailbox activity of the tenant."""

    def __init__(self, world: World, nets: Networks) -> None:
        self.world, self.nets, self.rng = world, nets, world.rng
        self.corp = nets.ips("corp", 3)
        self.vpn = nets.ips("corp_vpn", 2)
        self.posts = {"Tokyo": nets.ips("post_tokyo", 2), "Brussels": nets.ips("post_brussels", 2)}
        self.cvpn = nets.ips("commercial_vpn", 2)
        self.service = nets.ips("outlook_service", 10)
        self.sessions: dict[tuple[str, str], ClientSession] = {}
        self.plans: dict[str, dict[int, DayPlan]] = {}
        self.read: dict[str, set[str]] = {}
        self.new_device_day: dict[str, int] = {}
        self.heavy_index: dict[str, int] = {}

    # -- plans ---------------------------------------------------------------------------
    def plan(self) -> None:
        rng, world = self.rng, self.world
        hotels: dict[str, str] = {}
        for person in staff(world):
            trip: tuple[int, int, str, str] | None = None
            if "traveller" in person.traits:
                first = rng.randrange(0, max(1, world.days - 6))
                city = rng.choice(TRIPS.get(person.department, tuple(TRAVEL_POOLS)))
                trip = (first, first + rng.randrange(3, 7), city, self.nets.ip(TRAVEL_POOLS[city]))
                hotels[person.upn] = trip[3]
            days: dict[int, DayPlan] = {}
            for index in range(world.days):
                day = world.start + timedelta(days=index)
                weekday = day.weekday() < 5
                if rng.random() > (0.94 if weekday else 0.08):
                    continue
                if trip and trip[0] <= index < trip[1]:
                    where, ip, tz = "travel", trip[3], int(ref.CITIES[trip[2]][5])
                else:
                    where, ip = self._place(person)
                    tz = local_hours(person)
                begin = day + timedelta(hours=7, minutes=rng.randrange(30, 150) - 60 * tz)
                length = timedelta(hours=rng.randrange(8, 10) if weekday else 1)
                days[index] = DayPlan(begin, begin + length, ip, where, tz)
            self.plans[person.upn] = days
            if "heavy" in person.traits and days:
                self.heavy_index[person.upn] = sorted(days)[len(days) // 2]
            if "new_device" in person.traits and days:
                self.new_device_day[person.upn] = rng.choice(sorted(days))
        world.lookalikes.append(
            {
                "kind": "travellers-abroad",
                "upns": sorted(hotels),
                "ips": sorted(set(hotels.values())),
                "app_ids": [ref.OUTLOOK_DESKTOP, ref.OWA],
                "note": "Staff on temporary duty in Asia and Europe sign in (interactively, with "
                "MFA) and read their own mail from hotel networks abroad, often during "
                "00:00-09:00 UTC.",
            }
        )
        cvpn_users = sorted(p.upn for p in staff(world) if "commercial_vpn" in p.traits)
        world.lookalikes.append(
            {
                "kind": "shared-vpn-egress",
                "upns": sorted(p.upn for p in staff(world) if "vpn" in p.traits) + cvpn_users,
                "ips": self.vpn + self.cvpn,
                "app_ids": [ref.OUTLOOK_DESKTOP, ref.OWA],
                "note": "The corporate VPN egress is shared by dozens of users; a few users work "
                "through a commercial VPN exit in a hosting network (AS9009).",
            }
        )

    def _place(self, person: Person) -> tuple[str, str]:
        rng = self.rng
        if rng.random() < 0.62:
            return "office", rng.choice(self.posts.get(person.city, self.corp))
        if "vpn" in person.traits:
            return "vpn", rng.choice(self.vpn)
        if "commercial_vpn" in person.traits and rng.random() < 0.7:
            return "cvpn", rng.choice(self.cvpn)
        return "home", person.home_ip

    # -- sessions ------------------------------------------------------------------------
    def session(self, person: Person, key: str) -> ClientSession:
        if (person.upn, key) not in self.sessions:
            device = self.world.guid() if key in ("desktop", "ios", "android") else ""
            self.sessions[(person.upn, key)] = ClientSession(
                self.world, person, CLIENTS[key], self.world.guid(), device
            )
        return self.sessions[(person.upn, key)]

    # -- the day -------------------------------------------------------------------------
    def run(self) -> None:
        world = self.world
        assistants = [
            (p, world.person(t.split(":", 1)[1]))
            for p in staff(world)
            for t in p.traits
            if t.startswith("assistant:")
        ]
        for index in range(world.days):
            for person in staff(world):
                plan = self.plans[person.upn].get(index)
                if plan is not None:
                    self.owner_day(person, plan, index)
            for assistant, executive in assistants:
                plan = self.plans[assistant.upn].get(index)
                if plan is not None:
                    self.delegate_day(assistant, executive, plan)
            self.shared_day(index)

    def owner_day(self, person: Person, plan: DayPlan, index: int) -> None:
        rng = self.rng
        main = "desktop" if "desktop" in person.traits else "owa"
        if "owa" in person.traits and main == "desktop" and rng.random() < 0.3:
            main = "owa"
        sess = self.session(person, main)
        if rng.random() < 0.02:
            user_signin(
                self.world,
                person,
                sess.client,
                plan.start - timedelta(minutes=3),
                plan.ip,
                session_id=sess.session_id,
                device_id=sess.device_id,
                interactive=True,
                error=rng.choice((50126, 50074, 50140)),
            )
        weekly = plan.start.weekday() == 0 and rng.random() < 0.4
        token = sess.token_at(
            plan.start,
            plan.ip,
            interactive=weekly or (plan.where == "travel" and rng.random() < 0.5),
        )
        if main == "desktop":
            self.sync(
                person,
                person,
                sess.client,
                token,
                plan.ip,
                plan.start + timedelta(minutes=rng.randrange(1, 4)),
                ["Inbox"] + (["Sent Items"] if rng.random() < 0.5 else []),
                0,
            )
        mobile = next((k for k in ("ios", "android", "eas") if k in person.traits), None)
        reads = self._due(person, plan)
        for when, folder, message in reads:
            use_mobile = mobile is not None and (when > plan.end or rng.random() < 0.25)
            key = mobile if use_mobile and mobile else main
            self._own_read(person, key, plan, when, folder, message)
        self._sends(person, plan, main)
        if self.heavy_index.get(person.upn) == index:
            heavy_day(self, person, plan, sess)
        if self.new_device_day.get(person.upn) == index:
            new_device(self, person, plan)

    def _due(self, person: Person, plan: DayPlan) -> list[tuple[datetime, str, Message]]:
        """Unread messages the owner opens today (and, on a phone, this evening)."""
        rng = self.rng
        seen = self.read.setdefault(person.upn, set())
        due: list[tuple[datetime, str, Message]] = []
        horizon = plan.end + timedelta(hours=4)
        for folder, message in self.world.mailboxes[person.upn].messages():
            if folder in UNREAD_FOLDERS or folder.startswith("Archive"):
                continue
            if message.message_id in seen or not (
                plan.start - timedelta(days=4) <= message.date <= horizon
            ):
                continue
            when = max(message.date, plan.start) + timedelta(minutes=rng.randrange(1, 50))
            if when > plan.end and rng.random() < 0.5:
                continue
            if rng.random() < 0.9:
                seen.add(message.message_id)
                due.append((when, folder, message))
        return sorted(due, key=lambda r: r[0])

    def _own_read(
        self, person: Person, key: str, plan: DayPlan, when: datetime, folder: str, message: Message
    ) -> None:
        sess = self.session(person, key)
        if key in ("ios", "android"):
            ip = self.rng.choice(self.service)
            if not sess.signed_in:
                sess.token_at(when - timedelta(minutes=2), person.mobile_ip, interactive=True)
            token = sess.token_at(when, ip)
        elif key == "eas":
            ip = person.mobile_ip
            token = sess.token_at(when, ip)
        else:
            ip = plan.ip
            token = sess.token_at(when, ip)
        self.bind(person, person, sess.client, token, ip, when, [(folder, [message])], 0)

    def _sends(self, person: Person, plan: DayPlan, main: str) -> None:
        sess = self.session(person, main)
        for message in self.world.mailboxes[person.upn].folders.get("Sent Items", []):
            if plan.start <= message.date <= plan.end:
                token = sess.token_at(message.date, plan.ip)
                self.world.records.append(
                    audit.send(
                        self.world,
                        message.date,
                        person,
                        message,
                        token,
                        plan.ip,
                        sess.client.cis,
                        sess.client.app_id,
                        ref.EXCHANGE,
                    )
                )

    # -- records -------------------------------------------------------------------------
    def bind(
        self,
        owner: Person,
        reader: Person,
        client: Client,
        token: Token | None,
        ip: str,
        when: datetime,
        folders: list[tuple[str, list[Message]]],
        logon_type: int,
    ) -> None:
        window = when.replace(second=0, microsecond=0)
        window -= timedelta(minutes=window.minute % 2)
        stamp = window + timedelta(seconds=self.rng.randrange(60, 119))
        self.world.records.append(
            audit.mail_items_accessed(
                self.world,
                stamp,
                owner,
                user_id=reader.upn,
                user_key=reader.puid,
                logon_type=logon_type,
                logon_sid=reader.sid,
                app_id=ref.EXCHANGE,
                client_app_id=client.app_id,
                ip=ip,
                cis=client.cis,
                access="Bind",
                folders=folders,
                token=token,
            )
        )

    def sync(
        self,
        owner: Person,
        reader: Person,
        client: Client,
        token: Token | None,
        ip: str,
        when: datetime,
        folders: list[str],
        logon_type: int,
    ) -> None:
        for i, folder in enumerate(folders):
            self.world.records.append(
                audit.mail_items_accessed(
                    self.world,
                    when + timedelta(seconds=7 * i),
                    owner,
                    user_id=reader.upn,
                    user_key=reader.puid,
                    logon_type=logon_type,
                    logon_sid=reader.sid,
                    app_id=ref.EXCHANGE,
                    client_app_id=client.app_id,
                    ip=ip,
                    cis=client.cis,
                    access="Sync",
                    folders=[(folder, [])],
                    token=token,
                )
            )

    # -- delegates and shared mailboxes ---------------------------------------------------
    def delegate_day(self, assistant: Person, executive: Person, plan: DayPlan) -> None:
        rng = self.rng
        sess = self.session(assistant, "desktop" if "desktop" in assistant.traits else "owa")
        for folder, message in self.world.mailboxes[executive.upn].messages():
            if folder in UNREAD_FOLDERS or folder.startswith("Archive"):
                continue
            if plan.start - timedelta(hours=16) <= message.date <= plan.end and rng.random() < 0.3:
                when = max(message.date, plan.start) + timedelta(minutes=rng.randrange(2, 90))
                token = sess.token_at(when, plan.ip)
                self.bind(
                    executive,
                    assistant,
                    sess.client,
                    token,
                    plan.ip,
                    when,
                    [(folder, [message])],
                    2,
                )

    def shared_day(self, index: int) -> None:
        rng = self.rng
        for shared in (p for p in self.world.people if p.shared):
            members = [
                m
                for m in members_of(self.world, shared.upn.split("@")[0])
                if index in self.plans.get(m.upn, {})
            ]
            if not members:
                continue
            for message in self.world.mailboxes[shared.upn].folders.get("Inbox", []):
                day = self.world.start + timedelta(days=index)
                if not day - timedelta(hours=12) <= message.date < day + timedelta(hours=12):
                    continue
                member = rng.choice(members)
                plan = self.plans[member.upn][index]
                sess = self.session(member, "desktop" if "desktop" in member.traits else "owa")
                when = max(message.date, plan.start) + timedelta(minutes=rng.randrange(1, 120))
                self.bind(
                    shared,
                    member,
                    sess.client,
                    sess.token_at(when, plan.ip),
                    plan.ip,
                    when,
                    [("Inbox", [message])],
                    2,
                )
