"""The synthetic organisation: a foreign ministry's people, bureaus, offices and networks."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from mailscope.simulate.ids import IdSource

DOMAIN = "ministry.example"
TENANT_NAME = "ministryexample.onmicrosoft.com"

# Regional bureaus carry most of the diplomatic mail; Storm-0558's State Department victims
# mostly worked on Indo-Pacific diplomacy, one on European issues (CSRB review, 2024).
EAP = "Bureau of East Asian and Pacific Affairs"
EUR = "Bureau of European Affairs"
DEPARTMENTS: tuple[tuple[str, int], ...] = (
    (EAP, 14),
    (EUR, 12),
    ("Bureau of Near Eastern Affairs", 9),
    ("Bureau of African Affairs", 7),
    ("Bureau of Western Hemisphere Affairs", 8),
    ("Bureau of South and Central Asian Affairs", 6),
    ("Bureau of Consular Affairs", 12),
    ("Bureau of Diplomatic Security", 6),
    ("Human Resources", 8),
    ("Information Resource Management", 8),
    ("Office of the Legal Adviser", 4),
    ("Office of the Secretary", 6),
)
REGIONAL = {EAP, EUR, *(d for d, _ in DEPARTMENTS if "Affairs" in d and "Consular" not in d)}

TITLES: dict[str, tuple[str, ...]] = {
    "regional": (
        "Foreign Affairs Officer",
        "Desk Officer",
        "Political Officer",
        "Economic Officer",
        "Program Analyst",
        "Senior Advisor",
    ),
    "Bureau of Consular Affairs": ("Consular Officer", "Visa Specialist", "Passport Specialist"),
    "Bureau of Diplomatic Security": ("Special Agent", "Security Specialist"),
    "Human Resources": ("HR Specialist", "Benefits Specialist", "Staffing Officer"),
    "Information Resource Management": ("IT Specialist", "Network Engineer", "Help Desk Analyst"),
    "Office of the Legal Adviser": ("Attorney-Adviser", "Paralegal Specialist"),
    "Office of the Secretary": ("Special Assistant", "Policy Advisor", "Scheduler"),
}

GIVEN = (
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Charles",
    "Karen",
    "Daniel",
    "Lisa",
    "Matthew",
    "Nancy",
    "Anthony",
    "Betty",
    "Mark",
    "Margaret",
    "Steven",
    "Sandra",
    "Paul",
    "Ashley",
    "Andrew",
    "Emily",
    "Joshua",
    "Michelle",
    "Kevin",
    "Amanda",
    "Brian",
    "Melissa",
    "Wei",
    "Mei",
    "Hiroshi",
    "Yuki",
    "Priya",
    "Arjun",
    "Fatima",
    "Omar",
    "Sofia",
    "Mateo",
    "Ingrid",
    "Lars",
    "Amara",
    "Kwame",
)
SURNAME = (
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
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Thompson",
    "White",
    "Harris",
    "Clark",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Nguyen",
    "Hill",
    "Adams",
    "Baker",
    "Nelson",
    "Carter",
    "Mitchell",
    "Roberts",
    "Chen",
    "Wang",
    "Tanaka",
    "Sato",
    "Kim",
    "Park",
    "Patel",
    "Shah",
    "Okafor",
    "Mensah",
    "Novak",
    "Larsen",
    "Rossi",
    "Dubois",
    "Schmidt",
    "Kowalski",
    "Haddad",
    "Costa",
)

# Offices: the headquarters building and two annexes, each with its own egress addresses
# (RFC 5737 documentation ranges, so nothing here can reach a real host).
OFFICES: tuple[tuple[str, str, str, str], ...] = (
    ("Harry S Truman Building", "2201 C Street NW", "Washington", "20520"),
    ("SA-1 Columbia Plaza", "2401 E Street NW", "Washington", "20037"),
    ("SA-9 Rosslyn", "1800 N Kent Street", "Arlington", "22209"),
)


@dataclass(frozen=True)
class Person:
    """One directory user and the networks and devices they work from."""

    upn: str
    given: str
    surname: str
    object_id: str
    department: str
    job_title: str
    office: int
    phone: str
    mobile: str
    office_ip: str
    home_ip: str
    client: str  # "desktop" | "owa" — the person's usual mail client
    executive: bool = False
    assistant_of: str | None = None
    admin: bool = False

    @property
    def display_name(self) -> str:
        """``Given Surname`` as Entra shows it."""
        return f"{self.given} {self.surname}"


@dataclass
class Organisation:
    """The tenant: people in a stable order plus lookup by UPN."""

    tenant_id: str
    people: list[Person]
    by_upn: dict[str, Person] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_upn = {p.upn: p for p in self.people}

    def in_department(self, department: str) -> list[Person]:
        """People of one department, in directory order."""
        return [p for p in self.people if p.department == department]

    @property
    def executives(self) -> list[Person]:
        """Bureau heads (Assistant Secretaries and the like)."""
        return [p for p in self.people if p.executive]


def office_ips(office: int) -> tuple[str, ...]:
    """Egress NAT addresses of an office, from 203.0.113.0/24 (RFC 5737)."""
    return tuple(f"203.0.113.{10 + office * 8 + k}" for k in range(4))


def home_ip(index: int) -> str:
    """A residential address for person ``index`` from 198.51.100.0/24 and 192.0.2.0/24."""
    if index < 240:
        return f"198.51.100.{10 + index}"
    return f"192.0.2.{10 + (index - 240) % 200}"


def build_organisation(rng: random.Random, size: int) -> Organisation:
    """Staff every department in proportion to its weight, with a head per bureau, an
    assistant for each head, and administrators in Information Resource Management."""
    ids = IdSource(rng)
    total_weight = sum(w for _, w in DEPARTMENTS)
    plan: list[str] = []
    for name, weight in DEPARTMENTS:
        plan.extend([name] * max(2, round(size * weight / total_weight)))
    plan = plan[:size] if len(plan) >= size else plan + [EAP] * (size - len(plan))
    plan.sort(key=lambda d: [n for n, _ in DEPARTMENTS].index(d))
    taken: set[str] = set()
    people: list[Person] = []
    heads: dict[str, str] = {}
    for index, department in enumerate(plan):
        given, surname = rng.choice(GIVEN), rng.choice(SURNAME)
        local = f"{given}.{surname}".lower()
        upn, n = f"{local}@{DOMAIN}", 2
        while upn in taken:
            upn, n = f"{local}{n}@{DOMAIN}", n + 1
        taken.add(upn)
        role = _role(department, heads, index, plan)
        office = 0 if department in REGIONAL or role != "staff" else rng.randrange(len(OFFICES))
        people.append(
            Person(
                upn=upn,
                given=given,
                surname=surname,
                object_id=ids.guid(),
                department=department,
                job_title=_title(rng, department, role),
                office=office,
                phone=f"+1 202-555-{rng.randrange(100, 199):04d}",
                mobile=f"+1 571-555-{rng.randrange(100, 199):04d}",
                office_ip=rng.choice(office_ips(office)),
                home_ip=home_ip(index),
                client="desktop" if rng.random() < 0.65 else "owa",
                executive=role == "head",
                admin=role == "admin",
                assistant_of=heads.get(department) if role == "assistant" else None,
            )
        )
        if role == "head":
            heads[department] = upn
    return Organisation(tenant_id=ids.guid(), people=people)


def _role(department: str, heads: dict[str, str], index: int, plan: list[str]) -> str:
    """First person of a department heads it, the second assists the head; IRM's second
    and third people are tenant administrators."""
    position = index - plan.index(department)
    if department == "Information Resource Management":
        return "admin" if position in (1, 2) else "staff"
    if position == 0:
        return "head"
    if position == 1 and department in heads:
        return "assistant"
    return "staff"


def _title(rng: random.Random, department: str, role: str) -> str:
    """A job title that fits the department and role."""
    if role == "head":
        return "Assistant Secretary" if department.startswith("Bureau") else "Director"
    if role == "assistant":
        return "Staff Assistant"
    if role == "admin":
        return "Systems Administrator"
    key = "regional" if department in REGIONAL else department
    return rng.choice(TITLES[key])
