"""The synthetic organisation: a foreign ministry's people, bureaus, offices and networks."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from mailscope.simulate.folders import LOCALES, FolderNames, folder_names
from mailscope.simulate.ids import IdSource
from mailscope.simulate.names import GIVEN, SURNAME
from mailscope.simulate.networks import CLOUD_PROXY_IPS, VPN_EXITS, home_ip, office_ips
from mailscope.simulate.profile import TenantProfile, draw_profile

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

# Offices: the headquarters building and two annexes, each with its own egress addresses
# (networks.py).
OFFICES: tuple[tuple[str, str, str, str], ...] = (
    ("Harry S Truman Building", "2201 C Street NW", "Washington", "20520"),
    ("SA-1 Columbia Plaza", "2401 E Street NW", "Washington", "20037"),
    ("SA-9 Rosslyn", "1800 N Kent Street", "Arlington", "22209"),
)


@dataclass(frozen=True)
class Person:
    """One directory user (or shared mailbox) and the networks and devices they work from."""

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
    locale: str = "en"  # mailbox language: names of the well-known folders
    devices: int = 1  # computers the person reads mail on (1-3)
    phone_app: str | None = None  # "outlook" (Outlook mobile) | "apple-mail" | None
    vpn_exit: int | None = None  # index into networks.VPN_EXITS when working from home
    shared: bool = False  # a shared mailbox: no one signs in as it

    @property
    def display_name(self) -> str:
        """``Given Surname`` as Entra shows it."""
        return f"{self.given} {self.surname}".strip()


@dataclass
class Organisation:
    """The tenant: people in a stable order, shared mailboxes, lookup by UPN, and the
    seed-drawn profile every generator reads."""

    tenant_id: str
    people: list[Person]
    profile: TenantProfile
    domain: str = DOMAIN
    network: int = 0  # which office and home networks (networks.office_ips)
    shared: list[Person] = field(default_factory=list)
    members: dict[str, tuple[str, ...]] = field(default_factory=dict)  # shared upn -> readers
    by_upn: dict[str, Person] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_upn = {p.upn: p for p in (*self.people, *self.shared)}

    @property
    def tenant_name(self) -> str:
        """The tenant's ``*.onmicrosoft.com`` name (records' ``OrganizationName``)."""
        if self.domain == DOMAIN:
            return TENANT_NAME
        return self.domain.split(".", 1)[0].replace("-", "") + ".onmicrosoft.com"

    def in_department(self, department: str) -> list[Person]:
        """People of one department, in directory order."""
        return [p for p in self.people if p.department == department]

    @property
    def executives(self) -> list[Person]:
        """Bureau heads (Assistant Secretaries and the like)."""
        return [p for p in self.people if p.executive]

    def folders(self, upn: str) -> FolderNames:
        """Export path of every folder role in the mailbox of ``upn``."""
        return folder_names(self.by_upn[upn].locale, self.profile.subfolders)

    def shared_of(self, upn: str) -> list[str]:
        """Shared mailboxes ``upn`` reads as a member, in directory order."""
        return [box for box, readers in self.members.items() if upn in readers]


# Team mailboxes a ministry runs (Get-Mailbox -RecipientTypeDetails SharedMailbox): the
# department whose staff read it, and its local part.
SHARED_MAILBOXES: tuple[tuple[str, str, str], ...] = (
    ("Bureau of Consular Affairs", "consular.desk", "Consular Desk"),
    (EAP, "eap.frontoffice", "EAP Front Office"),
    ("Human Resources", "hr.benefits", "HR Benefits"),
    ("Office of the Secretary", "secretariat", "Executive Secretariat"),
    (EUR, "eur.visits", "EUR Visits Unit"),
)


def build_organisation(
    rng: random.Random, size: int, domain: str = DOMAIN, network: int = 0
) -> Organisation:
    """Staff every department in proportion to its (seed-jittered) weight, with a head per
    bureau, an assistant for each head, administrators in Information Resource Management
    and the ministry's shared mailboxes; ``domain`` and ``network`` tell the organisations
    of a campaign apart."""
    profile = draw_profile(rng, len(DEPARTMENTS), len(OFFICES))
    ids = IdSource(rng)
    plan = _staffing_plan(profile, size)
    taken: set[str] = set()
    people: list[Person] = []
    heads: dict[str, str] = {}
    for index, department in enumerate(plan):
        upn, given, surname = _new_upn(rng, taken, domain)
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
                office_ip=_office_ip(rng, profile, office, network),
                home_ip=home_ip(index, network),
                client="desktop" if rng.random() < profile.desktop_share else "owa",
                executive=role == "head",
                admin=role == "admin",
                assistant_of=heads.get(department) if role == "assistant" else None,
                locale=_locale(rng, profile),
                devices=_devices(rng, profile),
                phone_app=_phone_app(rng, profile),
                vpn_exit=rng.randrange(len(VPN_EXITS))
                if rng.random() < profile.vpn_share
                else None,
            )
        )
        if role == "head":
            heads[department] = upn
    shared, members = _shared_mailboxes(rng, ids, people, domain)
    return Organisation(ids.guid(), people, profile, domain, network, shared, members)


def _staffing_plan(profile: TenantProfile, size: int) -> list[str]:
    names = [n for n, _ in DEPARTMENTS]
    weights = [w * j for (_, w), j in zip(DEPARTMENTS, profile.department_jitter, strict=True)]
    total = sum(weights)
    plan: list[str] = []
    for name, weight in zip(names, weights, strict=True):
        plan.extend([name] * max(2, round(size * weight / total)))
    plan = plan[:size] if len(plan) >= size else plan + [EAP] * (size - len(plan))
    plan.sort(key=names.index)
    return plan


def _new_upn(rng: random.Random, taken: set[str], domain: str) -> tuple[str, str, str]:
    given, surname = rng.choice(GIVEN), rng.choice(SURNAME)
    local = f"{given}.{surname}".lower()
    upn, n = f"{local}@{domain}", 2
    while upn in taken:
        upn, n = f"{local}{n}@{domain}", n + 1
    taken.add(upn)
    return upn, given, surname


def _office_ip(rng: random.Random, profile: TenantProfile, office: int, network: int) -> str:
    """The office NAT address, or the cloud proxy's when the office egresses through it."""
    if office == profile.proxied_office:
        return rng.choice(CLOUD_PROXY_IPS)
    return rng.choice(office_ips(office, network))


def _locale(rng: random.Random, profile: TenantProfile) -> str:
    if rng.random() >= profile.localised_share:
        return "en"
    return rng.choice(LOCALES[1:])


def _devices(rng: random.Random, profile: TenantProfile) -> int:
    if rng.random() >= profile.second_device_share:
        return 1
    return 3 if rng.random() < profile.third_device_share else 2


def _phone_app(rng: random.Random, profile: TenantProfile) -> str | None:
    if rng.random() >= profile.phone_share:
        return None
    return "apple-mail" if rng.random() < profile.apple_mail_share else "outlook"


def _shared_mailboxes(
    rng: random.Random, ids: IdSource, people: list[Person], domain: str
) -> tuple[list[Person], dict[str, tuple[str, ...]]]:
    """Shared mailboxes of the departments that exist, each read by two to six of their
    staff with FullAccess (the assistant's executive mailbox is handled apart)."""
    shared: list[Person] = []
    members: dict[str, tuple[str, ...]] = {}
    for department, local, name in SHARED_MAILBOXES:
        staff = [p for p in people if p.department == department and not p.executive]
        if len(staff) < 2:
            continue
        upn = f"{local}@{domain}"
        template = staff[0]
        shared.append(
            Person(
                upn=upn,
                given=name,
                surname="",
                object_id=ids.guid(),
                department=department,
                job_title="",
                office=template.office,
                phone="",
                mobile="",
                office_ip=template.office_ip,
                home_ip=template.office_ip,
                client="owa",
                shared=True,
            )
        )
        readers = rng.sample(staff, min(len(staff), rng.randrange(2, 7)))
        members[upn] = tuple(sorted(p.upn for p in readers))
    return shared, members


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
