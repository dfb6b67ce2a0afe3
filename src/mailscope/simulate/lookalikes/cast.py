"""Who plays which benign look-alike, chosen from the organisation alone so the background
is identical whatever scenario is hidden in it."""

from __future__ import annotations

import random
from dataclasses import dataclass

from mailscope.simulate.ids import IdSource
from mailscope.simulate.org import EAP, EUR, Organisation
from mailscope.simulate.places import Place

# Posts abroad travellers work from (local office hours; Asian mornings fall inside the
# 00:00-09:00 UTC window Storm-0558 worked in).
POSTS = (
    Place("Tokyo", "Tokyo", "JP", 2516, 35.6762, 139.6503),
    Place("Seoul", "Seoul", "KR", 4766, 37.5665, 126.9780),
    Place("Brussels", "Brussels", "BE", 5432, 50.8503, 4.3517),
    Place("Manila", "Metro Manila", "PH", 9299, 14.5995, 120.9842),
    Place("Jakarta", "Jakarta", "ID", 7713, -6.2088, 106.8456),
    Place("Geneva", "Geneva", "CH", 3303, 46.2044, 6.1432),
    Place("Singapore", "Singapore", "SG", 7473, 1.3521, 103.8198),
    Place("Canberra", "Australian Capital Territory", "AU", 1221, -35.2809, 149.1300),
)


@dataclass(frozen=True)
class Trip:
    """A traveller's days abroad (day indexes ``first`` .. ``first + days - 1``)."""

    upn: str
    first: int
    days: int
    post: Place


@dataclass(frozen=True)
class Cast:
    """The people and apps of every look-alike."""

    heavy_user: str
    new_laptops: tuple[str, ...]
    trips: tuple[Trip, ...]
    archiver_id: str
    archiver_sp: str
    backup_id: str
    backup_sp: str
    investigator: str  # compliance administrator running an eDiscovery search
    custodians: tuple[str, ...]  # mailboxes that search covers


def choose_cast(org: Organisation, rng: random.Random, days: int) -> Cast:
    """Pick the look-alike actors: heavy user and new laptops outside the regional bureaus
    (so they never coincide with intrusion victims), travellers and eDiscovery custodians
    anywhere (so they may)."""
    ids = IdSource(rng)
    consular = [
        p
        for p in org.people
        if p.department == "Bureau of Consular Affairs" and not p.executive and not p.assistant_of
    ]
    support = [
        p for p in org.people if p.department in ("Human Resources", "Office of the Legal Adviser")
    ]
    regional = [p for p in org.people if p.department in (EAP, EUR) and not p.executive]
    count = min(org.profile.travellers, len(regional))
    trips = []
    for person in rng.sample(regional, count):
        length = rng.randrange(3, 8)
        first = rng.randrange(1, max(2, days - length))
        trips.append(Trip(person.upn, first, min(length, days - first), rng.choice(POSTS)))
    legal = [p for p in org.people if p.department == "Office of the Legal Adviser"]
    investigator = rng.choice(legal or [p for p in org.people if p.admin])
    custodians = rng.sample(org.people, min(len(org.people), rng.randrange(3, 7)))
    return Cast(
        heavy_user=rng.choice(consular).upn,
        new_laptops=tuple(
            p.upn for p in rng.sample(support, min(len(support), org.profile.new_laptops))
        ),
        trips=tuple(trips),
        archiver_id=ids.guid(),
        archiver_sp=ids.guid(),
        backup_id=ids.guid(),
        backup_sp=ids.guid(),
        investigator=investigator.upn,
        custodians=tuple(sorted(p.upn for p in custodians)),
    )


def travel_days(cast: Cast) -> dict[str, tuple[int, int]]:
    """Day-index ranges (inclusive start, exclusive end) each traveller is abroad."""
    return {trip.upn: (trip.first, trip.first + trip.days) for trip in cast.trips}
