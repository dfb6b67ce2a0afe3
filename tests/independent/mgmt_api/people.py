"""The directory: staff by department and post, shared mailboxes, and who does what."""

from __future__ import annotations

from tests.independent.mgmt_api.model import TENANT_DOMAIN, Mailbox, Person, World
from tests.independent.mgmt_api.networks import Networks
from tests.independent.mgmt_api.reference import DEPARTMENTS, TITLES

GIVEN = [
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "Michael",
    "Jennifer",
    "David",
    "Linda",
    "William",
    "Elizabeth",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Charles",
    "Karen",
    "Daniel",
    "Nancy",
    "Matthew",
    "Lisa",
    "Anthony",
    "Margaret",
    "Mark",
    "Sandra",
    "Steven",
    "Ashley",
    "Andrew",
    "Emily",
    "Joshua",
    "Michelle",
    "Kevin",
    "Amanda",
    "Brian",
    "Melissa",
    "George",
    "Deborah",
    "Timothy",
    "Rebecca",
    "Ronald",
    "Laura",
    "Kenji",
    "Yuki",
    "Hiroshi",
    "Aiko",
    "Wei",
    "Mei",
    "Arjun",
    "Priya",
    "Omar",
    "Leila",
    "Mateo",
    "Sofia",
    "Lukas",
    "Anna",
    "Pieter",
    "Elise",
    "Tomasz",
    "Katarzyna",
    "Nguyen",
    "Linh",
]
SURNAMES = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Hall",
    "Rivera",
    "Campbell",
    "Mitchell",
    "Carter",
    "Roberts",
    "Tanaka",
    "Sato",
    "Suzuki",
    "Takahashi",
    "Chen",
    "Wang",
    "Patel",
    "Shah",
    "Haddad",
    "Khalil",
    "Janssens",
    "Peeters",
    "Kowalski",
    "Nowak",
    "Schmidt",
    "Fischer",
    "Dubois",
    "Laurent",
    "Okafor",
    "Mensah",
    "Silva",
    "Costa",
    "Novak",
    "Horvat",
]
SHARED = (
    ("consular-inbox", "Consular Inbox", "Consular Services"),
    ("hr-cases", "HR Cases", "Human Resources"),
    ("press-office", "Press Office", "Public Diplomacy"),
    ("indopac-front-office", "Indo-Pacific Front Office", "Office of Indo-Pacific Affairs"),
)
SERVER_PREFIXES = ("BN0PR09MB", "SN6PR09MB", "DM6PR09MB", "BY5PR09MB", "CH2PR09MB")


def _new_person(
    world: World,
    n: int,
    local: str,
    display: str,
    given: str,
    surname: str,
    department: str,
    title: str,
    city: str,
) -> Person:
    """A person with the ids Exchange and Entra stamp: object id, PUID, SID, mailbox."""
    rng = world.rng
    sid = (
        f"S-1-5-21-{rng.randrange(10**9, 4 * 10**9)}-{rng.randrange(10**9, 4 * 10**9)}-"
        f"{rng.randrange(10**9, 4 * 10**9)}-{rng.randrange(10**7, 9 * 10**7) + n}"
    )
    return Person(
        upn=f"{local}@{TENANT_DOMAIN}",
        display=display,
        given=given,
        surname=surname,
        department=department,
        title=title,
        city=city,
        object_id=world.guid(),
        puid="1003" + world.hex(12),
        sid=sid,
        mailbox_guid=world.guid(),
        server=rng.choice(SERVER_PREFIXES) + str(rng.randrange(1000, 9999)),
    )


def _departments(n: int) -> list[str]:
    """Departments for ``n`` staff by share, at least three each (so at least 33 staff)."""
    out: list[str] = []
    for name, share, _ in DEPARTMENTS:
        out += [name] * max(3, round(share * n))
    while len(out) < n:
        out.append(DEPARTMENTS[len(out) % len(DEPARTMENTS)][0])
    return out


def build_people(world: World, nets: Networks, users: int) -> None:
    """Fill ``world.people`` and ``world.mailboxes`` with staff and shared mailboxes."""
    rng = world.rng
    cities = {name: city for name, _, city in DEPARTMENTS}
    taken: set[str] = set()
    for i, department in enumerate(_departments(users)):
        given, surname = rng.choice(GIVEN), rng.choice(SURNAMES)
        local = f"{given}.{surname}".lower()
        while local in taken:
            local = f"{given}.{surname}{rng.randrange(2, 99)}".lower()
        taken.add(local)
        person = _new_person(
            world,
            i,
            local,
            f"{given} {surname}",
            given,
            surname,
            department,
            rng.choice(TITLES[department]),
            cities[department],
        )
        world.people.append(person)
    for local, display, department in SHARED:
        person = _new_person(world, 0, local, display, "", "", department, "", "Washington")
        person.shared = True
        world.people.append(person)
    _assign_traits(world, nets)
    for person in world.people:
        world.mailboxes[person.upn] = Mailbox(person)


def staff(world: World) -> list[Person]:
    return [p for p in world.people if not p.shared and "service" not in p.traits]


def _assign_traits(world: World, nets: Networks) -> None:
    rng = world.rng
    people = staff(world)
    for person in people:
        person.traits.add("desktop" if rng.random() < 0.65 else "owa")
        if rng.random() < 0.2:
            person.traits.add("owa")
        if rng.random() < 0.45:
            person.traits.add(rng.choice(("ios", "android")))
        elif rng.random() < 0.08:
            person.traits.add("eas")
        if person.city == "Washington" and rng.random() < 0.55:
            person.traits.add("vpn")
        pool = {"Tokyo": "home_tokyo", "Brussels": "home_brussels"}.get(person.city, "home_us")
        person.home_ip = (
            nets.home_v6() if pool == "home_us" and rng.random() < 0.15 else (nets.ip(pool))
        )
        mobile = "mobile_tokyo" if person.city == "Tokyo" else "mobile_us"
        person.mobile_ip = nets.ip(mobile)
    pick = rng.sample
    by_dept: dict[str, list[Person]] = {}
    for person in people:
        by_dept.setdefault(person.department, []).append(person)
    for person in pick(by_dept["Information Technology"], 3):
        person.traits.add("admin")
        person.title = "Messaging Engineer"
    rng.choice(by_dept["Legal Affairs"]).traits.add("compliance")
    for person in pick([p for p in people if "vpn" not in p.traits], 4):
        person.traits.add("commercial_vpn")
    for person in pick(people, max(8, len(people) // 14)):
        person.traits.add("traveller")
    for person in pick(people, 4):
        person.traits.add("new_device")
    quiet = [p for p in people if p.department in ("Legal Affairs", "Public Diplomacy")]
    rng.choice(quiet).traits.add("heavy")
    for person in pick(by_dept["Consular Services"], 2):
        person.traits.add("flow")
    for person in pick(
        by_dept["Economic and Trade Affairs"], min(7, len(by_dept["Economic and Trade Affairs"]))
    ):
        person.traits.add("crm")
    for department in (
        "Office of Indo-Pacific Affairs",
        "Office of European Affairs",
        "Embassy Tokyo",
        "Legal Affairs",
    ):
        members = by_dept[department]
        chief = next(
            (
                p
                for p in members
                if p.title in ("Director", "Deputy Chief of Mission", "Assistant Legal Adviser")
            ),
            members[0],
        )
        chief.traits.add("executive")
        assistant = rng.choice([p for p in members if p is not chief])
        assistant.traits.add(f"assistant:{chief.upn}")
    service = _new_person(
        world,
        1,
        "svc-archivemig",
        "Archive Migration Service",
        "",
        "",
        "Information Technology",
        "Service Account",
        "Washington",
    )
    service.traits.add("service")
    world.people.append(service)


def members_of(world: World, shared_local: str) -> list[Person]:
    """Staff with FullAccess to a shared mailbox: its department's staff (up to six)."""
    shared = world.person(f"{shared_local}@{TENANT_DOMAIN}")
    members = [p for p in staff(world) if p.department == shared.department]
    return members[:6]
