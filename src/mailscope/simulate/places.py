"""Where an IP geolocates: the places sign-ins and mailbox reads are seen from."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Place:
    """Where an IP geolocates, as sign-in ``location`` and ``autonomousSystemNumber``."""

    city: str
    state: str
    country: str
    asn: int
    lat: float
    lon: float


WASHINGTON = Place("Washington", "District of Columbia", "US", 3356, 38.9072, -77.0369)
ARLINGTON = Place("Arlington", "Virginia", "US", 7922, 38.8816, -77.0910)
ABROAD = (
    Place("Tokyo", "Tokyo", "JP", 2516, 35.6762, 139.6503),
    Place("Seoul", "Seoul", "KR", 4766, 37.5665, 126.9780),
    Place("Brussels", "Brussels", "BE", 5432, 50.8503, 4.3517),
    Place("Manila", "Metro Manila", "PH", 9299, 14.5995, 120.9842),
)
