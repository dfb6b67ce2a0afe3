"""Sensitive content the scoping stage must find: SSNs, itineraries, handling markings,
and near-misses that a correct detector must not count."""

from __future__ import annotations

import random

# SSA rules for issued numbers: area 001-899 except 666, group 01-99, serial 0001-9999
# (SSA, "Social Security Number Randomization", 2011). These three are famous invalid or
# advertising numbers that validators reject outright.
_BLOCKED_SSNS = frozenset({"078-05-1120", "219-09-9999", "123-45-6789"})

# Classification and handling markings used on diplomatic correspondence (Executive
# Order 13526 banners; SBU per 12 FAM 540; CUI per 32 CFR 2002).
MARKINGS: tuple[str, ...] = (
    "CONFIDENTIAL",
    "SECRET//NOFORN",
    "SENSITIVE BUT UNCLASSIFIED",
    "SBU",
    "CUI",
)

# (airline, flight, origin, destination): plausible long-haul and regional segments.
FLIGHTS: tuple[tuple[str, int, str, str], ...] = (
    ("UA", 837, "SFO", "NRT"),
    ("UA", 803, "IAD", "HND"),
    ("NH", 1, "IAD", "HND"),
    ("JL", 7, "ORD", "NRT"),
    ("KE", 94, "IAD", "ICN"),
    ("CX", 831, "JFK", "HKG"),
    ("SQ", 23, "JFK", "SIN"),
    ("QF", 12, "LAX", "SYD"),
    ("LH", 419, "IAD", "FRA"),
    ("AF", 55, "IAD", "CDG"),
    ("BA", 292, "IAD", "LHR"),
    ("LO", 8, "ORD", "WAW"),
    ("PR", 105, "SFO", "MNL"),
    ("VN", 98, "SFO", "SGN"),
    ("TG", 683, "NRT", "BKK"),
)
HOTELS: tuple[str, ...] = (
    "Hotel Okura Tokyo",
    "Lotte Hotel Seoul",
    "Marina Bay Sands",
    "Hotel Adlon Kempinski",
    "Shangri-La Manila",
    "Sofitel Legend Metropole Hanoi",
    "Hotel Bristol Warsaw",
    "Park Hyatt Sydney",
    "The Peninsula Hong Kong",
    "Le Meurice Paris",
)


def valid_ssn(rng: random.Random) -> str:
    """A number that passes SSA validity checks, formatted ``AAA-GG-SSSS``."""
    while True:
        area = rng.randrange(1, 900)
        if area == 666:
            continue
        ssn = f"{area:03d}-{rng.randrange(1, 100):02d}-{rng.randrange(1, 10000):04d}"
        if ssn not in _BLOCKED_SSNS:
            return ssn


def invalid_ssn(rng: random.Random) -> str:
    """An SSN-shaped number that is not a valid SSN (area 000/666/9xx, group 00, serial 0000)."""
    kind = rng.randrange(5)
    group, serial = rng.randrange(1, 100), rng.randrange(1, 10000)
    if kind == 0:
        return f"000-{group:02d}-{serial:04d}"
    if kind == 1:
        return f"666-{group:02d}-{serial:04d}"
    if kind == 2:
        return f"9{rng.randrange(100):02d}-{group:02d}-{serial:04d}"
    area = rng.choice([a for a in range(1, 900) if a != 666][:200])
    if kind == 3:
        return f"{area:03d}-00-{serial:04d}"
    return f"{area:03d}-{group:02d}-0000"


def near_miss_line(rng: random.Random) -> str:
    """One line holding a number a careless SSN detector would count: fictional 555 phone
    numbers, retail order numbers, invalid SSN-shaped placeholders."""
    kind = rng.randrange(4)
    if kind == 0:
        return f"Call the duty desk at 202-555-{rng.randrange(100, 200):04d} if anything changes."
    if kind == 1:
        return (
            f"Supply order No. {rng.randrange(100, 999)}-{rng.randrange(10**6, 10**7)}-"
            f"{rng.randrange(1000, 9999)} has shipped."
        )
    if kind == 2:
        return f"The form template still shows the placeholder {invalid_ssn(rng)}; ignore it."
    return f"Reference case {invalid_ssn(rng)} was closed as a test record."


def itinerary_lines(rng: random.Random, day: str) -> list[str]:
    """An itinerary block: outbound and return flights with IATA codes, dates and a hotel."""
    airline, number, origin, dest = rng.choice(FLIGHTS)
    back = rng.choice([f for f in FLIGHTS if f[2] == dest or f[3] == origin] or list(FLIGHTS))
    return [
        "ITINERARY",
        f"  {day}  {airline} {number}  {origin} -> {dest}  depart 11:{rng.randrange(10, 59)}",
        f"  Hotel: {rng.choice(HOTELS)}, {rng.randrange(3, 8)} nights, confirmation "
        f"{rng.choice('ABCDEFGHJK')}{rng.randrange(10000, 99999)}",
        f"  Return  {back[0]} {back[1]}  {back[3]} -> {back[2]}",
    ]
