"""Travel itineraries: flight numbers, airport routes and hotel bookings.

A message carries an itinerary when it names a flight (IATA airline designator + number)
together with a route between known airports or a hotel booking; dates alone, a policy
reminder about travel, or a stray airline-like token do not make one. Airline and airport
codes are data (``data/travel.json``).
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files

from presidio_analyzer import Pattern, PatternRecognizer, RecognizerResult

FLIGHT = "FLIGHT_NUMBER"
ROUTE = "AIRPORT_ROUTE"
HOTEL = "HOTEL_BOOKING"
ENTITIES = (FLIGHT, ROUTE, HOTEL)
_CASE_SENSITIVE = 0  # IATA codes are upper case; "to" or "ua 8" in prose are not codes


@cache
def travel_codes() -> tuple[frozenset[str], frozenset[str]]:
    """(airline designators, airport codes) from the bundled data file."""
    data = json.loads(files("mailscope.scope.sensitive").joinpath("data/travel.json").read_text())
    return frozenset(data["airlines"]), frozenset(data["airports"])


def _alternation(codes: frozenset[str]) -> str:
    return "|".join(sorted(codes))


def flight_recognizer() -> PatternRecognizer:
    """``UA 837``, ``NH1``: a known airline designator followed by 1-4 digits."""
    airlines, _ = travel_codes()
    regex = rf"\b(?:{_alternation(airlines)})\s?\d{{1,4}}\b(?![-/.]\d)"
    return PatternRecognizer(
        supported_entity=FLIGHT,
        name="FlightNumberRecognizer",
        patterns=[Pattern("IATA flight number", regex, 0.6)],
        global_regex_flags=_CASE_SENSITIVE,
    )


def route_recognizer() -> PatternRecognizer:
    """``IAD -> HND``, ``SFO-NRT``, ``JFK to SIN``: two known airports joined as a route."""
    _, airports = travel_codes()
    code = f"(?:{_alternation(airports)})"
    regex = rf"\b{code}\s*(?:->|→|–|-|/|\sto\s)\s*{code}\b"
    return PatternRecognizer(
        supported_entity=ROUTE,
        name="AirportRouteRecognizer",
        patterns=[Pattern("airport route", regex, 0.7)],
        global_regex_flags=_CASE_SENSITIVE,
    )


def hotel_recognizer() -> PatternRecognizer:
    """A hotel stay: ``Hotel: <name>``, ``N nights``, ``check-in``."""
    return PatternRecognizer(
        supported_entity=HOTEL,
        name="HotelBookingRecognizer",
        patterns=[
            Pattern("hotel line", r"\bhotel\s*:\s*\S", 0.6),
            Pattern("nights", r"\b\d{1,2}\s+nights?\b", 0.5),
            Pattern("check-in", r"\bcheck[- ]?in\s*:?\s*\d", 0.5),
        ],
    )


def is_itinerary(results: list[RecognizerResult]) -> bool:
    """A flight together with a route or a hotel booking."""
    found = {r.entity_type for r in results}
    return FLIGHT in found and (ROUTE in found or HOTEL in found)
