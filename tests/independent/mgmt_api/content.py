"""Message text: cables with handling markings, itineraries, HR and consular mail with SSNs,
and the numbers that look like SSNs but are not (phones, order and case numbers, bad areas).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from tests.independent.mgmt_api.ssn import invalid_ssn, valid_ssn

MARKINGS = (
    "UNCLASSIFIED//SBU",
    "SENSITIVE BUT UNCLASSIFIED",
    "CONFIDENTIAL",
    "UNCLASSIFIED//FOUO",
    "CONFIDENTIAL//NOFORN",
    "UNCLASSIFIED//LIMITED DISTRIBUTION",
)
PLACES = (
    "Tokyo",
    "Manila",
    "Jakarta",
    "Hanoi",
    "Canberra",
    "Seoul",
    "Singapore",
    "Taipei",
    "Brussels",
    "Berlin",
    "Paris",
    "Geneva",
    "Kuala Lumpur",
    "Bangkok",
)
COUNTERPARTS = (
    "ASEAN senior officials",
    "the Japanese MOFA",
    "the Australian DFAT",
    "the EU External Action Service",
    "the Quad working group",
    "the Korean foreign ministry",
    "Pacific Islands Forum partners",
    "the G7 sherpa team",
    "NATO political advisers",
)
AIRLINES = (
    ("UA", "IAD", "NRT"),
    ("NH", "IAD", "HND"),
    ("SQ", "IAD", "SIN"),
    ("LH", "IAD", "FRA"),
    ("UA", "IAD", "BRU"),
    ("QF", "LAX", "SYD"),
    ("KE", "IAD", "ICN"),
    ("GA", "SIN", "CGK"),
    ("PR", "NRT", "MNL"),
)
HOTELS = (
    "Hotel Okura Tokyo",
    "Shangri-La Jakarta",
    "Marina Bay Sands",
    "Hotel Amigo",
    "Hyatt Regency Canberra",
    "Lotte Hotel Seoul",
    "Makati Shangri-La",
)
DEPT_TOPICS = {
    "Office of Indo-Pacific Affairs": {
        "policy": 5,
        "travel": 3,
        "meeting": 3,
        "hr": 1,
        "newsletter": 1,
        "it": 1,
        "personal": 1,
    },
    "Embassy Tokyo": {"policy": 5, "travel": 3, "meeting": 3, "hr": 1, "it": 1, "personal": 1},
    "Office of European Affairs": {
        "policy": 5,
        "travel": 3,
        "meeting": 3,
        "hr": 1,
        "newsletter": 1,
        "it": 1,
    },
    "Embassy Brussels": {"policy": 4, "travel": 2, "meeting": 3, "hr": 1, "it": 1},
    "Consular Services": {"consular": 6, "meeting": 2, "hr": 1, "it": 1, "personal": 1},
    "Human Resources": {"hr": 6, "meeting": 2, "it": 1, "finance": 1},
    "Finance": {"finance": 6, "meeting": 2, "hr": 1, "it": 1},
    "Legal Affairs": {"policy": 2, "meeting": 3, "hr": 1, "finance": 1, "consular": 1},
    "Information Technology": {"it": 6, "meeting": 2, "finance": 1},
    "Economic and Trade Affairs": {"policy": 3, "meeting": 3, "finance": 2, "travel": 1},
    "Public Diplomacy": {"newsletter": 3, "meeting": 3, "travel": 2, "policy": 1},
}
FOLDER_OF_TOPIC = {
    "travel": "Inbox/Travel",
    "newsletter": "Inbox/Newsletters",
    "policy": "Inbox/Cables",
}


def topic_for(rng: random.Random, department: str) -> str:
    weights = DEPT_TOPICS[department]
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def compose(rng: random.Random, topic: str, when: datetime, sender: str) -> tuple[str, str]:
    """(subject, body) for a message on ``topic`` sent at ``when`` by ``sender``."""
    writer = {
        "policy": _policy,
        "travel": _travel,
        "hr": _hr,
        "consular": _consular,
        "finance": _finance,
        "it": _it,
        "newsletter": _newsletter,
        "personal": _personal,
    }.get(topic, _meeting)
    subject, lines = writer(rng, when)
    lines += ["", "Regards,", sender]
    return subject, "\n".join(lines) + "\n"


def _policy(rng: random.Random, when: datetime) -> tuple[str, list[str]]:
    marking = rng.choice(MARKINGS)
    counterpart = rng.choice(COUNTERPARTS)
    place = rng.choice(PLACES)
    short = "(C)" if marking.startswith("CONFIDENTIAL") else "(SBU)"
    follow = when + timedelta(days=rng.randrange(3, 20))
    subject = f"{short} Readout: meeting with {counterpart} in {place}"
    lines = [
        marking,
        "",
        f"1. {short} Summary: {counterpart} signalled flexibility on the",
        f"maritime security language ahead of the {place} ministerial.",
        f"2. {short} Delegation asked for a follow-up call before {follow:%d %B}.",
        "3. Comment: we recommend holding the draft until the interagency review.",
        "",
        marking,
    ]
    return subject, lines


def itinerary_lines(rng: random.Random, when: datetime) -> list[str]:
    airline, origin, dest = rng.choice(AIRLINES)
    depart = when + timedelta(days=rng.randrange(4, 30), hours=rng.randrange(0, 12))
    back = depart + timedelta(days=rng.randrange(3, 9))
    number = rng.randrange(10, 999)
    return [
        "TRAVEL ITINERARY",
        f"  {depart:%a %d %b %Y}  {airline} {number}  {origin} -> {dest}  dep {depart:%H:%M}",
        f"  {back:%a %d %b %Y}  {airline} {number + 1}  {dest} -> {origin}  dep {back:%H:%M}",
        f"  Hotel: {rng.choice(HOTELS)}, {(back - depart).days} nights, "
        f"confirmation {rng.randrange(10**7, 10**8)}",
        f"  Passport no. {rng.choice('ABCDE')}{rng.randrange(10**7, 10**8)}, control officer "
        "meets on arrival.",
    ]


def _travel(rng: random.Random, when: datetime) -> tuple[str, list[str]]:
    place = rng.choice(PLACES)
    return f"Itinerary: TDY to {place}", [
        "Please find the confirmed travel below.",
        "",
        *itinerary_lines(rng, when),
    ]


def _hr(rng: random.Random, when: datetime) -> tuple[str, list[str]]:
    kind = rng.randrange(4)
    if kind == 0:
        ssn = valid_ssn(rng)
        return "Benefits enrollment confirmation", [
            "Your enrollment in the FEHB plan is confirmed.",
            f"Employee SSN: {ssn}",
            f"Effective date: {when + timedelta(days=14):%m/%d/%Y}",
            "Contact the benefits office at 202-555-0136 with questions.",
        ]
    if kind == 1:
        ssn = valid_ssn(rng)
        return f"Onboarding packet (SSN {ssn})", [
            "Attached is the onboarding checklist for the new hire.",
            "Please return Form I-9 and the direct deposit form by Friday.",
            f"Badge request number 514-{rng.randrange(10, 99)}-{rng.randrange(1000, 9999)}.",
        ]
    if kind == 2:
        return "Reminder: do not email Social Security numbers", [
            "Please use the secure portal for personnel records.",
            f"Records we received with a mistyped SSN: {invalid_ssn(rng)} was returned.",
            f"Case reference {rng.randrange(100, 899)}-{rng.randrange(10, 99)}-"
            f"{rng.randrange(1000, 9999)} is closed.",
        ]
    return "Leave balance update", [
        f"Your leave balance as of {when:%Y-%m-%d} is {rng.randrange(20, 240)} hours.",
        "Questions: call 202-555-0148.",
    ]


def _consular(rng: random.Random, when: datetime) -> tuple[str, list[str]]:
    kind = rng.randrange(5)
    name = f"{rng.choice(('J.', 'M.', 'A.', 'K.'))} {rng.choice(('Reyes', 'Okafor', 'Larsen'))}"
    if kind <= 1:
        ssn = valid_ssn(rng)
        return f"Passport renewal - {name}", [
            f"Applicant: {name}",
            f"Social Security Number: {ssn}",
            f"Date of birth: {rng.randrange(1, 12):02d}/{rng.randrange(1, 28):02d}/"
            f"{rng.randrange(1950, 2004)}",
            "Please expedite; travel is in two weeks.",
        ]
    if kind == 2:
        return f"Citizen services inquiry - {name}", [
            f"Applicant {name} wrote in about a lost passport.",
            f"SSN provided on the form: {invalid_ssn(rng)} (does not validate; asked again).",
            "Callback number 202-555-0171.",
        ]
    if kind == 3:
        ssn = valid_ssn(rng)
        return "CRBA application follow-up", [
            f"Parent's SS# {ssn} matches the file.",
            f"Appointment on {when + timedelta(days=6):%d %b} at 09:30.",
        ]
    return "Visa appointment backlog", [
        f"Order no. {rng.randrange(100, 899)}-{rng.randrange(10, 99)}-"
        f"{rng.randrange(1000, 9999)} for the queue kiosks shipped.",
        "Backlog is down to 11 days.",
    ]


def _finance(rng: random.Random, when: datetime) -> tuple[str, list[str]]:
    order = f"{rng.randrange(100, 899)}-{rng.randrange(10, 99)}-{rng.randrange(1000, 9999)}"
    return f"Invoice {rng.randrange(10000, 99999)} approved", [
        f"Order no. {order} has been approved for payment.",
        f"Amount: ${rng.randrange(200, 90000):,}.00, fiscal year {when.year}.",
        "Vendor contact: 703-555-0119.",
    ]


def _it(rng: random.Random, when: datetime) -> tuple[str, list[str]]:
    return rng.choice(
        (
            "Planned maintenance this weekend",
            "Password expiry reminder",
            "New phishing campaign warning",
        )
    ), [
        f"Maintenance window: {when + timedelta(days=3):%d %b} 22:00-02:00 EST.",
        "Help desk: 202-555-0100 or the IT service portal.",
        "Never share your one-time code with anyone.",
    ]


def _newsletter(rng: random.Random, when: datetime) -> tuple[str, list[str]]:
    place = rng.choice(PLACES)
    return f"Daily press summary {when:%d %b %Y}", [
        f"Top story: regional security talks in {place}.",
        "Op-ed: what the new trade framework means for the region.",
        "Unsubscribe at any time.",
    ]


def _personal(rng: random.Random, when: datetime) -> tuple[str, list[str]]:
    return rng.choice(
        ("Lunch on Thursday?", "Farewell drinks for the team", "Carpool next week")
    ), ["Let me know if that works for you."]


def _meeting(rng: random.Random, when: datetime) -> tuple[str, list[str]]:
    place = rng.choice(PLACES)
    return rng.choice(
        (
            f"Notes: staff meeting {when:%d %b}",
            f"Prep for {place} visit",
            "Re: action items",
            "Draft talking points",
        )
    ), [
        "Notes from today's meeting are below.",
        f"- Next steps on the {place} visit schedule.",
        "- Clearance of the talking points by Wednesday.",
        f"- Reference {when:%Y-%m-%d}, room 6{rng.randrange(100, 999)}.",
    ]
